/**
 * Every feature the server offers besides diagnostics. A feature is one file
 * (or folder) under features/ and one line here.
 */
import type { Feature } from '../server-context';
import { definitionFeature } from './definition';
import { createHoverFeature } from './hover';
import { previewsFor } from '../previews/index';
import { referencesFeature } from './references';
import { renameFeature } from './rename';
import { symbolsFeature } from './symbols';
import { codeActionsFeature } from './code-actions';
import { foldingFeature } from './folding';
import { formattingFeature } from './formatting';
import { semanticTokensFeature } from './semantic-tokens';
import { codeLensFeature } from './code-lens';
import { completionFeature } from './completion';
import { signatureHelpFeature } from './signature-help';

export const FEATURES: readonly Feature[] = [
  // Hover shows a segment's or plan's size when the previews have it (it never starts a count).
  createHoverFeature((context) => (name) => previewsFor(context).cachedSize(name)?.text),
  definitionFeature,
  referencesFeature,
  renameFeature,
  symbolsFeature,
  formattingFeature,
  semanticTokensFeature,
  foldingFeature,
  codeActionsFeature,
  codeLensFeature,
  completionFeature,
  signatureHelpFeature,
];
