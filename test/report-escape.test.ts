import test from 'ava';
import { escapeHtml, escapeLatex, escapeMarkdown, jsonForScript } from '../reports/escape.js';

const HOSTILE = '<script>alert(1)</script> & 50%_x';

test('HTML: every markup character becomes an entity', (t) => {
  t.is(escapeHtml(HOSTILE), '&lt;script&gt;alert(1)&lt;/script&gt; &amp; 50%_x');
  t.is(escapeHtml(`a"b'c`), 'a&quot;b&#39;c');
});

test('JSON inside <script>: no "<" survives, and it still parses to the same value', (t) => {
  const value = { name: HOSTILE, sep: 'a\u2028b', comment: '<!-- x -->' };
  const text = jsonForScript(value);
  t.false(text.includes('<'));
  t.false(text.includes('\u2028'));
  t.deepEqual(JSON.parse(text), value);
});

test('LaTeX: the ten specials and < > | print as text', (t) => {
  t.is(escapeLatex(HOSTILE), '\\textless{}script\\textgreater{}alert(1)\\textless{}/script\\textgreater{} \\& 50\\%\\_x');
  t.is(escapeLatex('a\\b{c}$d#e^f~g|h'), 'a\\textbackslash{}b\\{c\\}\\$d\\#e\\textasciicircum{}f\\textasciitilde{}g\\textbar{}h');
  t.is(escapeLatex('two\nlines'), 'two lines');
});

test('Markdown: HTML becomes entities, table pipes and inline markup are escaped', (t) => {
  t.is(escapeMarkdown(HOSTILE), '&lt;script&gt;alert(1)&lt;/script&gt; &amp; 50%\\_x');
  t.is(escapeMarkdown('a|b*c*`d`[e](f)'), 'a\\|b\\*c\\*\\`d\\`\\[e\\](f)');
});
