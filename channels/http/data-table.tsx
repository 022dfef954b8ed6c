import type { Child, FC } from 'hono/jsx';
import type { Translate } from '../../src/i18n/i18n.ts';

/**
 * A captioned table with one header cell per column; the rows come as children, totals as `foot`. A
 * caption the heading above already gives is kept for screen readers only (`hideCaption`).
 */
export const DataTable: FC<{
  caption: Child;
  columns: readonly string[];
  hideCaption?: boolean;
  foot?: Child;
  children?: Child;
}> = ({ caption, columns, hideCaption, foot, children }) => (
  <div class="table-wrap">
    <table>
      <caption class={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col">{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
      {foot ? <tfoot>{foot}</tfoot> : null}
    </table>
  </div>
);

/**
 * Column headings from texts under one key, `headings(t, 'lists:columns', ['item', 'unit'])`, or
 * under a whole namespace, `headings(t, 'lists', ['columns.item', 'balance.columns.alerts'])`.
 */
export function headings(t: Translate, under: string, keys: readonly string[]): string[] {
  const joint = under.includes(':') ? '.' : ':';
  return keys.map((key) => t(`${under}${joint}${key}`));
}
