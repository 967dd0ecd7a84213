/**
 * The `.seg` grammar as one chevrotain CstParser, built once and reused
 * (building a parser runs a grammar analysis; doing it per file is a known
 * start-up cost, chevrotain issue 930).
 *
 * Expressions are parsed flat where precedence can be restored later:
 * `expression` is a chain of `and`/`or`, `arith` a chain of `+ - * /`; the
 * CST → AST step applies precedence. That keeps the rule depth per atom small.
 *
 * Newlines are not tokens, but two rules depend on them: a `(` on a new line
 * never continues a call, and a duration unit must be on the number's line.
 * The lexer pass retags those tokens (LParenAtLineStart, UnitTok, see lex.ts),
 * so the grammar needs no gates in its hottest rules. So in `all of { … }` a
 * line starting with `(` is a new condition. Error recovery is tuned to lines
 * too (findReSyncTokenType below).
 */
import { CstParser, EOF, tokenMatcher, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens';
import type { SegToken } from './tokens';

/**
 * Errors are encoded as JSON so the CST→AST step can write messages for a
 * marketer with full context (parse-errors.ts); chevrotain's own text is never shown.
 */
const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) => JSON.stringify({ kind: 'mismatch', expected: expected.name, rule: ruleName }),
  buildNotAllInputParsedMessage: ({ ruleName }) => JSON.stringify({ kind: 'notAll', rule: ruleName }),
  buildNoViableAltMessage: ({ ruleName }) => JSON.stringify({ kind: 'noAlt', rule: ruleName }),
  buildEarlyExitMessage: ({ ruleName }) => JSON.stringify({ kind: 'earlyExit', rule: ruleName }),
};

/** Tokens where recovery may resume mid-line: closers and separators. */
const MID_LINE_RESYNC: ReadonlySet<TokenType> = new Set([T.RBrace, T.RParen, T.RBracket, T.Comma]);
const CLOSERS: ReadonlySet<TokenType> = new Set([T.RBrace, T.RParen, T.RBracket]);

/** Chevrotain's recovery internals this parser refines (not part of its typed API). */
interface RecoveryInternals {
  flattenFollowSet(): TokenType[];
  currIdx: number;
  SKIP_TOKEN(): IToken;
}

export class SegParser extends CstParser {
  /** `validate` runs chevrotain's grammar checks (ambiguities, left recursion); tests do, production skips them for start-up time. */
  constructor(options: { validate?: boolean } = {}) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 2,
      nodeLocationTracking: 'onlyOffset',
      skipValidations: options.validate !== true,
      errorMessageProvider,
    });
    this.performSelfAnalysis();
  }

  private nlAhead(): boolean {
    return (this.LA(1) as SegToken).nl === true;
  }

  // -------------------------------------------------------------------------
  // Recovery tuned to a line-oriented language (overrides chevrotain's defaults).

  /** Where the last computed resynchronisation point is (token index), or -1 for "end of input". */
  private resyncIndex = -1;

  /**
   * After an error, resume at a token that starts a line (or a closer/comma),
   * not merely at the next token of a type that could follow: every word is a
   * `Name`, so the default would resume right at the bad word and skip the
   * whole rest of the block instead.
   */
  findReSyncTokenType(): TokenType {
    const self = this as unknown as RecoveryInternals;
    const follows = self.flattenFollowSet();
    for (let k = 1; ; k++) {
      const token = this.LA(k) as SegToken;
      if (token.tokenType === EOF) {
        this.resyncIndex = -1;
        return EOF;
      }
      if (token.nl || MID_LINE_RESYNC.has(token.tokenType)) {
        const match = follows.find((type) => tokenMatcher(token, type));
        if (match) {
          this.resyncIndex = self.currIdx + k;
          return match;
        }
      }
    }
  }

  reSyncTo(tokType: TokenType): IToken[] {
    const self = this as unknown as RecoveryInternals;
    const skipped: IToken[] = [];
    let next = this.LA(1);
    const reached = (): boolean =>
      this.resyncIndex >= 0 ? self.currIdx + 1 >= this.resyncIndex : next.tokenType === EOF || tokenMatcher(next, tokType);
    while (!reached() && next.tokenType !== EOF) {
      next = self.SKIP_TOKEN();
      if (next.tokenType !== EOF) skipped.push(next);
    }
    return skipped.slice(0, -1);
  }

  /** Never invent a token at the start of the next line (it would steal that line's first word), except a closer. */
  override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return !this.nlAhead() || CLOSERS.has(tokType);
  }

  // -------------------------------------------------------------------------
  // Declarations

  public file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  public declaration = this.RULE('declaration', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.audienceDecl) },
      { ALT: () => this.SUBRULE(this.tableDecl) },
      { ALT: () => this.SUBRULE(this.constDecl) },
      { ALT: () => this.SUBRULE(this.listDecl) },
      { ALT: () => this.SUBRULE(this.mapDecl) },
      { ALT: () => this.SUBRULE(this.metricDecl) },
      { ALT: () => this.SUBRULE(this.segmentDecl) },
      { ALT: () => this.SUBRULE(this.strategyDecl) },
      { ALT: () => this.SUBRULE(this.offerDecl) },
      { ALT: () => this.SUBRULE(this.offersDecl) },
      { ALT: () => this.SUBRULE(this.planDecl) },
      { ALT: () => this.SUBRULE(this.testDecl) },
    ]);
  });

  private audienceDecl = this.RULE('audienceDecl', () => {
    this.CONSUME(T.Audience);
    this.CONSUME(T.Name, { LABEL: 'name' });
  });

  private tableDecl = this.RULE('tableDecl', () => {
    this.CONSUME(T.Table);
    this.CONSUME1(T.Name, { LABEL: 'name' });
    this.OPTION(() => this.CONSUME(T.StringTok, { LABEL: 'label' }));
    this.OPTION2(() => {
      this.CONSUME(T.Key);
      this.CONSUME2(T.Name, { LABEL: 'key' });
    });
    this.OPTION3(() => {
      this.CONSUME(T.Time);
      this.CONSUME3(T.Name, { LABEL: 'time' });
    });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.fieldDecl));
    this.CONSUME(T.RBrace);
  });

  private fieldDecl = this.RULE('fieldDecl', () => {
    this.CONSUME1(T.Name, { LABEL: 'name' });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Arrow);
          this.CONSUME2(T.Name, { LABEL: 'target' });
          this.CONSUME(T.On);
          this.CONSUME3(T.Name, { LABEL: 'on' });
        },
      },
      {
        ALT: () => {
          this.CONSUME4(T.Name, { LABEL: 'type' });
          this.OPTION(() => {
            this.CONSUME(T.In);
            this.CONSUME(T.OpenParen);
            this.OPTION2(() => {
              this.CONSUME1(T.StringTok, { LABEL: 'values' });
              this.MANY(() => {
                this.CONSUME(T.Comma);
                this.CONSUME2(T.StringTok, { LABEL: 'values' });
              });
            });
            this.CONSUME(T.RParen);
          });
        },
      },
    ]);
    this.OPTION3({
      GATE: () => this.LA(2).tokenType === T.StringLiteral || this.LA(2).tokenType === T.UnterminatedString,
      DEF: () => {
        this.CONSUME(T.As);
        this.CONSUME3(T.StringTok, { LABEL: 'column' });
      },
    });
  });

  /** `NAME "label"?` shared by most declarations. */
  private nameAndLabel(): void {
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.OPTION9(() => this.CONSUME(T.StringTok, { LABEL: 'label' }));
  }

  private constDecl = this.RULE('constDecl', () => {
    this.CONSUME(T.Const);
    this.nameAndLabel();
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  private listDecl = this.RULE('listDecl', () => {
    this.CONSUME(T.List);
    this.nameAndLabel();
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  private mapDecl = this.RULE('mapDecl', () => {
    this.CONSUME(T.MapKw);
    this.nameAndLabel();
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.mapEntry));
    this.CONSUME(T.RBrace);
  });

  private mapEntry = this.RULE('mapEntry', () => {
    this.SUBRULE(this.arith, { LABEL: 'key' });
    this.CONSUME(T.Arrow);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  private metricDecl = this.RULE('metricDecl', () => {
    this.CONSUME(T.Metric);
    this.nameAndLabel();
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  private segmentDecl = this.RULE('segmentDecl', () => {
    this.CONSUME(T.Segment);
    this.nameAndLabel();
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.expression, { LABEL: 'conditions' }));
    this.CONSUME(T.RBrace);
  });

  private strategyDecl = this.RULE('strategyDecl', () => {
    this.CONSUME(T.Strategy);
    this.nameAndLabel();
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.strategyBlock));
    this.CONSUME(T.RBrace);
  });

  private strategyBlock = this.RULE('strategyBlock', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Primary, { LABEL: 'which' }) }, { ALT: () => this.CONSUME(T.Secondary, { LABEL: 'which' }) }]);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.strategyRule));
    this.CONSUME(T.RBrace);
  });

  private strategyRule = this.RULE('strategyRule', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.When);
          this.SUBRULE(this.expression, { LABEL: 'condition' });
          this.CONSUME(T.Then);
          this.CONSUME1(T.Name, { LABEL: 'outcome' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Else);
          this.CONSUME2(T.Name, { LABEL: 'outcome' });
        },
      },
    ]);
  });

  private offerDecl = this.RULE('offerDecl', () => {
    this.CONSUME(T.Offer);
    this.nameAndLabel();
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.offerProperty));
    this.CONSUME(T.RBrace);
  });

  private offersDecl = this.RULE('offersDecl', () => {
    this.CONSUME(T.Offers);
    this.nameAndLabel();
    this.CONSUME(T.From);
    this.CONSUME2(T.Name, { LABEL: 'source' });
    this.CONSUME(T.Key);
    this.CONSUME3(T.Name, { LABEL: 'key' });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.offerProperty));
    this.CONSUME(T.RBrace);
  });

  private offerProperty = this.RULE('offerProperty', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Category, { LABEL: 'keyword' });
          this.SUBRULE3(this.expression, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Channels, { LABEL: 'keyword' });
          this.CONSUME1(T.Name, { LABEL: 'names' });
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.CONSUME2(T.Name, { LABEL: 'names' });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Strategy, { LABEL: 'keyword' });
          this.CONSUME3(T.Name, { LABEL: 'names' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Valid, { LABEL: 'keyword' });
          this.OPTION(() => {
            this.CONSUME(T.From);
            this.SUBRULE1(this.expression, { LABEL: 'from' });
          });
          this.OPTION2(() => {
            this.CONSUME(T.To);
            this.SUBRULE2(this.expression, { LABEL: 'to' });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Eligible, { LABEL: 'keyword' });
          this.SUBRULE4(this.expression, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Score, { LABEL: 'keyword' });
          this.SUBRULE5(this.expression, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Value, { LABEL: 'keyword' });
          this.SUBRULE6(this.expression, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Cap, { LABEL: 'keyword' });
          this.SUBRULE7(this.expression, { LABEL: 'value' });
        },
      },
    ]);
  });

  private planDecl = this.RULE('planDecl', () => {
    this.CONSUME(T.Plan);
    this.nameAndLabel();
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.planProperty));
    this.CONSUME(T.RBrace);
  });

  private planProperty = this.RULE('planProperty', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Audience, { LABEL: 'keyword' });
          this.SUBRULE1(this.expression, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Channel, { LABEL: 'keyword' });
          this.CONSUME1(T.Name, { LABEL: 'names' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Offers, { LABEL: 'keyword' });
          this.OR2([
            { ALT: () => this.CONSUME(T.All) },
            {
              ALT: () => {
                this.CONSUME2(T.Name, { LABEL: 'names' });
                this.MANY(() => {
                  this.CONSUME(T.Comma);
                  this.CONSUME3(T.Name, { LABEL: 'names' });
                });
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Strategy, { LABEL: 'keyword' });
          this.CONSUME4(T.Name, { LABEL: 'names' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Rank, { LABEL: 'keyword' });
          this.CONSUME(T.By);
          this.SUBRULE2(this.expression, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Boost, { LABEL: 'keyword' });
          this.SUBRULE1(this.arith, { LABEL: 'count' });
          this.CONSUME1(T.When);
          this.SUBRULE3(this.expression, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Top, { LABEL: 'keyword' });
          this.SUBRULE2(this.arith, { LABEL: 'count' });
          this.CONSUME1(T.Per);
          this.CONSUME5(T.Name, { LABEL: 'names' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.At, { LABEL: 'keyword' });
          this.CONSUME(T.Most);
          this.SUBRULE3(this.arith, { LABEL: 'count' });
          this.CONSUME2(T.Per);
          this.CONSUME6(T.Name, { LABEL: 'names' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Suppress, { LABEL: 'keyword' });
          this.CONSUME2(T.When);
          this.SUBRULE4(this.expression, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Holdout, { LABEL: 'keyword' });
          this.SUBRULE5(this.expression, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Schedule, { LABEL: 'keyword' });
          this.CONSUME1(T.StringTok, { LABEL: 'strings' });
          this.OPTION(() => {
            this.CONSUME(T.In);
            this.CONSUME2(T.StringTok, { LABEL: 'strings' });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Output, { LABEL: 'keyword' });
          this.OR3([
            {
              ALT: () => {
                this.CONSUME(T.Table, { LABEL: 'target' });
                this.CONSUME7(T.Name, { LABEL: 'destination' });
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Csv, { LABEL: 'target' });
                this.CONSUME3(T.StringTok, { LABEL: 'strings' });
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Webhook, { LABEL: 'target' });
                this.CONSUME4(T.StringTok, { LABEL: 'strings' });
              },
            },
          ]);
          this.OPTION2(() => {
            this.CONSUME(T.With);
            this.CONSUME8(T.Name, { LABEL: 'names' });
            this.MANY2(() => {
              this.CONSUME2(T.Comma);
              this.CONSUME9(T.Name, { LABEL: 'names' });
            });
          });
        },
      },
    ]);
  });

  private testDecl = this.RULE('testDecl', () => {
    this.CONSUME(T.Test);
    this.CONSUME(T.StringTok, { LABEL: 'title' });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.testItem));
    this.CONSUME(T.RBrace);
  });

  private testItem = this.RULE('testItem', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.As);
          this.CONSUME(T.Of);
          this.SUBRULE(this.expression, { LABEL: 'asOf' });
        },
      },
      { ALT: () => this.SUBRULE(this.expectation) },
      { ALT: () => this.SUBRULE(this.fixtureRow) },
    ]);
  });

  private fixtureRow = this.RULE('fixtureRow', () => {
    this.CONSUME(T.Name, { LABEL: 'table' });
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.SUBRULE(this.fixtureField);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  private fixtureField = this.RULE('fixtureField', () => {
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  private expectation = this.RULE('expectation', () => {
    this.CONSUME(T.Expect);
    this.SUBRULE(this.arith, { LABEL: 'subject' });
    this.OR([
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME1(T.NotInfix, { LABEL: 'negate' }));
          this.CONSUME(T.In);
          this.OPTION2({
            GATE: () => this.LA(2).tokenType === T.Of,
            DEF: () => {
              this.CONSUME(T.Holdout, { LABEL: 'holdout' });
              this.CONSUME(T.Of);
            },
          });
          this.CONSUME1(T.Name, { LABEL: 'names' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.CompareOp, { LABEL: 'op' });
          this.SUBRULE(this.expression, { LABEL: 'expected' });
        },
      },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Includes, { LABEL: 'op' }) }, { ALT: () => this.CONSUME(T.Excludes, { LABEL: 'op' }) }]);
          // An offer by name, or one offer of a family as a string: `"category_coupons:C123"`.
          this.OR4([{ ALT: () => this.CONSUME2(T.Name, { LABEL: 'names' }) }, { ALT: () => this.CONSUME(T.StringTok, { LABEL: 'names' }) }]);
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.OR5([{ ALT: () => this.CONSUME3(T.Name, { LABEL: 'names' }) }, { ALT: () => this.CONSUME2(T.StringTok, { LABEL: 'names' }) }]);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Is, { LABEL: 'op' });
          this.OPTION3(() => this.CONSUME2(T.Not, { LABEL: 'negate' }));
          this.CONSUME(T.Empty);
        },
      },
    ]);
  });

  // -------------------------------------------------------------------------
  // Expressions

  /** `notExpr ((and|or) notExpr)*`: precedence (and over or) is applied in the AST step. */
  public expression = this.RULE('expression', () => {
    this.SUBRULE(this.notExpr, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.LogicOp, { LABEL: 'ops' });
      this.SUBRULE2(this.notExpr, { LABEL: 'operands' });
    });
  });

  /** `not* arith (comparison tail)?`: one rule for both levels keeps the CST shallow. */
  private notExpr = this.RULE('notExpr', () => {
    this.MANY(() => this.CONSUME(T.Not, { LABEL: 'nots' }));
    this.SUBRULE1(this.arith, { LABEL: 'subject' });
    // `not in` / `not between` arrive as NotInfix (lexText), so a prefix `not` never continues a comparison.
    this.OPTION(() => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(T.CompareOp, { LABEL: 'op' });
              this.SUBRULE2(this.arith, { LABEL: 'right' });
            },
          },
          {
            ALT: () => {
              this.OPTION2(() => this.CONSUME1(T.NotInfix, { LABEL: 'negate' }));
              this.CONSUME(T.In, { LABEL: 'op' });
              this.OR2([
                {
                  ALT: () => {
                    this.CONSUME(T.Last);
                    this.SUBRULE(this.duration);
                  },
                },
                { ALT: () => this.SUBRULE3(this.arith, { LABEL: 'right' }) },
              ]);
            },
          },
          {
            ALT: () => {
              this.OPTION3(() => this.CONSUME2(T.NotInfix, { LABEL: 'negate' }));
              this.CONSUME(T.Between, { LABEL: 'op' });
              this.SUBRULE4(this.arith, { LABEL: 'low' });
              this.CONSUME(T.And);
              this.SUBRULE5(this.arith, { LABEL: 'high' });
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Is, { LABEL: 'op' });
              this.OPTION4(() => this.CONSUME3(T.Not, { LABEL: 'negate' }));
              this.CONSUME(T.Missing);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Contains, { LABEL: 'op' });
              this.SUBRULE6(this.arith, { LABEL: 'right' });
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Starts, { LABEL: 'op' });
              this.CONSUME(T.With);
              this.SUBRULE7(this.arith, { LABEL: 'right' });
            },
          },
        ]);
    });
  });

  /** `NUMBER UNIT` (an unknown unit is kept as `badUnit` and reported by the AST step). */
  private duration = this.RULE('duration', () => {
    this.CONSUME(T.NumberTok);
    this.OR([{ ALT: () => this.CONSUME(T.UnitTok, { LABEL: 'unit' }) }, { ALT: () => this.CONSUME(T.BadUnitTok, { LABEL: 'badUnit' }) }]);
  });

  /** `unary ((+|-|*|/) unary)*`: precedence (* / over + -) is applied in the AST step. */
  public arith = this.RULE('arith', () => {
    this.SUBRULE(this.unary, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.ArithOp, { LABEL: 'ops' });
      this.SUBRULE2(this.unary, { LABEL: 'operands' });
    });
  });

  /** `-* primary postfix*` (the primary is inlined: one CST node per operand, not two). */
  private unary = this.RULE('unary', () => {
    this.MANY(() => this.CONSUME(T.Minus, { LABEL: 'minus' }));
    this.primary();
    // Only a same-line `(` is an LParen (lexText), so a line starting with `(` never continues a call.
    this.MANY2(() => this.SUBRULE(this.postfix));
  });

  private postfix = this.RULE('postfix', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          this.CONSUME(T.Name, { LABEL: 'field' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.expression, { LABEL: 'index' });
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen, { LABEL: 'call' });
          this.OPTION(() => {
            this.SUBRULE1(this.callArg, { LABEL: 'args' });
            this.MANY(() => {
              this.CONSUME(T.Comma);
              this.SUBRULE2(this.callArg, { LABEL: 'args' });
            });
          });
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  /** One call argument; the window and `where` parts only make sense in aggregates (checked in the AST step). */
  private callArg = this.RULE('callArg', () => {
    this.SUBRULE1(this.expression, { LABEL: 'value' });
    this.OPTION(() => {
      this.CONSUME(T.From);
      this.SUBRULE1(this.arith, { LABEL: 'from' });
      this.CONSUME(T.To);
      this.SUBRULE2(this.arith, { LABEL: 'to' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Where);
      this.SUBRULE2(this.expression, { LABEL: 'where' });
    });
    this.OPTION3(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Asc, { LABEL: 'order' }) }, { ALT: () => this.CONSUME(T.Desc, { LABEL: 'order' }) }]);
    });
  });

  private primary(): void {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NumberTok, { LABEL: 'number' });
          // A word on the number's own line is its unit (lexText retags it UnitTok / BadUnitTok).
          this.OPTION(() => {
            this.OR2([{ ALT: () => this.CONSUME(T.UnitTok, { LABEL: 'unit' }) }, { ALT: () => this.CONSUME(T.BadUnitTok, { LABEL: 'badUnit' }) }]);
            this.OPTION2(() => this.CONSUME(T.Ago));
          });
        },
      },
      { ALT: () => this.CONSUME(T.PercentTok, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.StringTok, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.True, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.False, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.DateTok, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.TimestampTok, { LABEL: 'literal' }) },
      {
        ALT: () => {
          this.CONSUME(T.OpenParen, { LABEL: 'paren' });
          this.OPTION3(() => {
            this.SUBRULE1(this.expression, { LABEL: 'items' });
            this.MANY3(() => {
              this.CONSUME(T.Comma, { LABEL: 'commas' });
              this.SUBRULE2(this.expression, { LABEL: 'items' });
            });
          });
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.OR3([
            { ALT: () => this.CONSUME(T.All, { LABEL: 'block' }) },
            { ALT: () => this.CONSUME1(T.Any, { LABEL: 'block' }) },
            { ALT: () => this.CONSUME1(T.None, { LABEL: 'block' }) },
          ]);
          this.CONSUME(T.Of);
          this.CONSUME(T.LBrace);
          this.MANY4(() => this.SUBRULE3(this.expression, { LABEL: 'items' }));
          this.CONSUME(T.RBrace);
        },
      },
      {
        ALT: () => {
          this.OR4([
            { ALT: () => this.CONSUME(T.Name, { LABEL: 'name' }) },
            { ALT: () => this.CONSUME(T.Last, { LABEL: 'name' }) },
            { ALT: () => this.CONSUME2(T.Any, { LABEL: 'name' }) },
            { ALT: () => this.CONSUME2(T.None, { LABEL: 'name' }) },
          ]);
        },
      },
    ]);
  }
}

let instance: SegParser | undefined;

/** The one parser instance (lazily built on first use). */
export function segParser(): SegParser {
  instance ??= new SegParser();
  return instance;
}
