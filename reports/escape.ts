/**
 * Escaping for every place a name from a config, plugin or dataset lands. Names are user input: a variant called
 * `<script>alert(1)</script> & 50%_x` must print as text in HTML, compile in LaTeX and keep a Markdown table's
 * columns intact. (CSV quoting is csv-stringify's job.)
 */

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

/**
 * JSON placed inside an HTML <script> element: `<` becomes \u003c so no `</script>` or `<!--` can end or change
 * the element, and U+2028/U+2029 (legal in JSON, line breaks in older JS parsers) are escaped as well.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // In the default OT1 font encoding `<` and `>` print as ¡ and ¿.
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
};

/** Text for a LaTeX table cell (text mode). Line breaks become spaces: a cell is one line. */
export function escapeLatex(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\&%$#_{}~^<>|]/g, (c) => LATEX_SPECIALS[c]);
}

/**
 * Text for a cell of a GitHub-flavoured Markdown table. HTML-special characters become entities (Markdown passes
 * raw HTML through), `|` is escaped so columns stay put, and the inline-markup punctuation (emphasis, code, link
 * brackets, strike-through) is backslash-escaped so a name cannot turn into markup. Block markers such as `#` or
 * `-` only act at the start of a line, where a table cell never is.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[&<>"]/g, (c) => HTML_ENTITIES[c])
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}
