// Makes the README's reference screenshots of the --html pages (docs/img/html-*.png): the first screen of
// one page per pillar, rendered by Debian's chromium through playwright-core. Run after `npm run build`:
//   node scripts/html-screenshots.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const bin = 'packages/cli/bundle/bin.js';
const pages = [
  ['html-pcap.png', ['pcap', 'fixtures/pcap/scenarios/offload-broken.pcap'], 1000],
  ['html-dump.png', ['dump', 'fixtures/dump/analyze-v-d1-exampledrv.txt'], 720],
  ['html-esxi.png', ['esxi', 'diff', 'fixtures/esxi/pairs/boot-hba-passthru/before.tgz', 'fixtures/esxi/pairs/boot-hba-passthru/after.tgz'], 720],
];
const work = mkdtempSync(join(tmpdir(), 'analyze-shots-'));
mkdirSync('docs/img', { recursive: true });
const context = await chromium.launchPersistentContext(join(work, 'profile'), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 960, height: 720 },
});
const page = context.pages()[0] ?? (await context.newPage());
for (const [png, argv, height] of pages) {
  await page.setViewportSize({ width: 960, height });
  const html = join(work, png.replace('.png', '.html'));
  try {
    execFileSync(process.execPath, [bin, ...argv, '--html', html, '--quiet'], { stdio: 'inherit' });
  } catch {
    // Exit 1 means "a problem found": the page is written all the same.
  }
  await page.goto(pathToFileURL(html).href);
  await page.screenshot({ path: join('docs/img', png) });
  console.log(`docs/img/${png}`);
}
await context.close();
rmSync(work, { recursive: true, force: true });
