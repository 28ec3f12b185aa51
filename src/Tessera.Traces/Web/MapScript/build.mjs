// Bundles map-entry.js with regl-scatterplot into ../Assets/map.js (committed: a clone needs no npm). The banner
// records the exact library versions and the SHA-256 of the inputs (lock file, entry scripts, this file), which
// tests/Tessera.Web.Tests checks, so a stale bundle fails a test. Run: npm ci && npm run build.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const inputs = ['package-lock.json', 'build.mjs', 'map-entry.js', 'points.js', 'kmeans.js', 'grid.js', 'lod.js', 'density.js'];
const hash = createHash('sha256');
for (const file of inputs) hash.update(readFileSync(file).toString('utf8').replace(/\r\n/g, '\n'));
const version = (name) => JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;
const libraries = ["@deck.gl/core", "@deck.gl/layers", "@luma.gl/core", "esbuild"].map((name) => `${name}@${version(name)}`).join(' ');

await build({
  entryPoints: ['map-entry.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'eof',
  outfile: '../Assets/map.js',
  banner: { js: `/* tessera-traces-map libraries: ${libraries} inputs-sha256: ${hash.digest('hex')} */` },
});
