/** The data model most semantic suites share: a small retailer. */
export const RETAIL_MODEL = `
audience customers

table customers key customer_id {
  name           text
  email          text
  country        text
  favourite      text
  latitude       number
  longitude      number
  signup_at      timestamp
  birthday       date
  email_opt_in   bool
  predicted_clv  number
  churn_risk     number
  note           text
  tier           text as "Loyalty Tier"
}

table orders key order_id time placed_at {
  customer  -> customers on customer_id
  channel   text in ("web", "store", "app")
  total     number
  discount  number
  note      text
}

table order_lines {
  order     -> orders on order_id
  product   -> products on sku
  quantity  number
  price     number
}

table products key sku {
  name      text
  category  text
  margin    number
}

table email_events key event_id time occurred_at {
  customer  -> customers on customer_id
  kind      text in ("open", "click", "unsubscribe")
}

// An event table without a time: its rows are always "seen".
table preferences {
  customer  -> customers on customer_id
  topic     text
}
`;

/** Epoch seconds of a UTC ISO instant (for rows stored as numbers). */
export function epochSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}
