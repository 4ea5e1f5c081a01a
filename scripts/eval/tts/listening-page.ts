/** index.html for `--write-wavs`: one row per sentence, the reference and every system side by side. */

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface ListeningRow {
  text: string;
  /** Paths relative to the page, by column name; a missing one leaves the cell empty. */
  audio: Record<string, string | undefined>;
}

export function listeningPage(
  title: string,
  columns: readonly string[],
  rows: readonly ListeningRow[],
): string {
  const head = ['#', 'text', ...columns].map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((r, i) => {
      const cells = columns.map((c) => {
        const src = r.audio[c];
        return src
          ? `<td><audio controls preload="none" src="${escapeHtml(src)}"></audio></td>`
          : '<td></td>';
      });
      return `<tr><td>${i + 1}</td><td>${escapeHtml(r.text)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:middle;text-align:left}audio{width:220px}</style>
</head><body><h1>${escapeHtml(title)}</h1>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></body></html>
`;
}
