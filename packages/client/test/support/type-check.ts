/**
 * Compiles a file of type assertions (`expectTypeOf`, `@ts-expect-error`) with the TypeScript
 * compiler, together with a copy of it changed by `mutate` — so a test can check both that the
 * assertions hold and that a false one is reported (the check can fail). One program, compiled
 * once; workspace packages resolve to their sources, so no build is needed.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const BASE_CONFIG = fileURLToPath(new URL('../../../../tsconfig.base.json', import.meta.url));

export interface TypeCheck {
  /** Diagnostics of the file itself, as `path:line message`. */
  original: string[];
  /** Diagnostics of the mutated copy (`<name>.mutated.ts`). */
  mutated: string[];
}

function compilerOptions(directory: string): ts.CompilerOptions {
  const { config } = ts.readConfigFile(BASE_CONFIG, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, directory);
  return { ...options, noEmit: true, composite: false, declaration: false, declarationMap: false, customConditions: ['source'] };
}

export function checkTypes(file: string, mutate: (text: string) => string): TypeCheck {
  // The copy exists only in the compiler host, beside the original so its imports resolve alike.
  const mutatedFile = file.replace(/\.ts$/, '.mutated.ts');
  const options = compilerOptions(dirname(file));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === mutatedFile || fileExists(name);
  host.readFile = (name) => (name === mutatedFile ? mutate(readFile(file) ?? '') : readFile(name));
  const program = ts.createProgram([file, mutatedFile], options, host);
  const result: TypeCheck = { original: [], mutated: [] };
  for (const d of ts.getPreEmitDiagnostics(program)) {
    // Third-party packages that publish a `source` condition (eventsource-parser, pulled in by
    // @openai/agents-realtime) resolve to .ts files not written for this configuration.
    if (d.file?.fileName.includes('/node_modules/')) continue;
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    const list = d.file?.fileName === mutatedFile ? result.mutated : result.original;
    list.push(`${d.file?.fileName ?? ''}:${line} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return result;
}
