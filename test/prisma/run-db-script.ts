import { spawn } from 'node:child_process';
import path from 'node:path';

export const rootDir = path.resolve(__dirname, '../..');

/** Runs scripts/<name> the way its npm script does (the schema engine is WebAssembly: Node 20 needs the flag). */
export function runDbScript(
  name: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--experimental-wasm-modules', '--no-warnings=ExperimentalWarning', path.join('scripts', name)],
      { cwd: rootDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
