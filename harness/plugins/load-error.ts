import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';

/**
 * What a plugin author needs when their file does not load: where (file:line:column, as editors and tsc print
 * it), the offending line with a caret under the column, and the compiler's own words. tsx surfaces esbuild's
 * transform errors as one Error whose first line is "Transform failed with N error(s):" and whose following lines
 * are "FILE:LINE:COLUMN: ERROR: TEXT" (COLUMN counted from 0); esbuild's own errors carry the same in `errors[]`.
 */
export interface CompilerMessage {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, as editors count. */
  column: number;
  text: string;
  /** The source line, where known. */
  lineText?: string;
}

interface EsbuildMessage {
  text?: string;
  location?: { file?: string; line?: number; column?: number; lineText?: string } | null;
}

const MESSAGE_LINE = /^(.+?):(\d+):(\d+): (?:ERROR|error): (.+)$/;

/** The compiler messages an import error carries, in order (none when it is not a compile error). */
export function compilerMessages(e: unknown): CompilerMessage[] {
  const errors = (e as { errors?: EsbuildMessage[] })?.errors;
  if (Array.isArray(errors) && errors.some((m) => m?.location)) {
    return errors.flatMap((m) =>
      m.location?.file && m.location.line !== undefined
        ? [{ file: m.location.file, line: m.location.line, column: (m.location.column ?? 0) + 1, text: m.text ?? '', lineText: m.location.lineText }]
        : [],
    );
  }
  const message = (e as Error)?.message ?? '';
  return message.split('\n').flatMap((line) => {
    const m = MESSAGE_LINE.exec(line.trim());
    return m ? [{ file: m[1]!, line: Number(m[2]), column: Number(m[3]) + 1, text: m[4]! }] : [];
  });
}

/** "    9 |   const x = (1 + ;" and a caret line under column `column`. */
function excerpt(lineText: string, line: number, column: number): string {
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  // Tabs keep their width in the caret line, so the caret stands under the character in any terminal.
  const lead = lineText.slice(0, column - 1).replace(/[^\t]/g, ' ');
  return `  ${gutter} | ${lineText}\n  ${pad} | ${lead}^`;
}

function withoutExtension(path: string): string {
  return path.replace(/\.[cm]?[jt]s$/, '');
}

function sourceLine(file: string, line: number): string | undefined {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}

/**
 * The UserError for a plugin file that failed to import: each compiler message as "file:line:column: text" with
 * its line, or else the error's whole message (a module not found, an exception at load time), not just its
 * first line.
 */
export function pluginLoadError(file: string, e: unknown): UserError {
  const messages = compilerMessages(e);
  if (messages.length > 0) {
    const parts = messages.map((reported) => {
      // tsx names a .mts/.cts file's source "x.ts" to esbuild: point back at the plugin file itself.
      const m = reported.file !== file && withoutExtension(reported.file) === withoutExtension(file) ? { ...reported, file } : reported;
      const text = m.lineText ?? sourceLine(m.file, m.line);
      const where = `${m.file}:${m.line}:${m.column}: ${m.text}`;
      return text === undefined ? where : `${where}\n${excerpt(text, m.line, m.column)}`;
    });
    const count = messages.length === 1 ? 'a syntax error' : `${messages.length} syntax errors`;
    return new UserError(`${file}: could not be loaded, ${count}:\n${parts.join('\n')}`);
  }
  const message = ((e as Error)?.message ?? String(e)).trim();
  return new UserError(`${file}: could not be loaded: ${message}`);
}
