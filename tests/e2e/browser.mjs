// browser.mjs - drive flowkeep's web pages in headless Chromium the way an
// operator would, and check what the page shows.  Run by
// tests/integration/web_browser.sh; exits non-zero on the first failed
// check, saving a screenshot of every step (and of the failure) in --shots.
//
//   node browser.mjs --base URL --chromium PATH --shots DIR
//       --expect CLI.json --exporter ADDR
//
// --expect is `flowkeep report srcip --output json` over the same flows:
// the browser's table must show the same rows.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function args(argv) {
	const o = {};
	for (let i = 2; i < argv.length; i += 2) {
		if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
			console.error('usage: node browser.mjs --base URL ' +
			    '--chromium PATH --shots DIR --expect FILE ' +
			    '--exporter ADDR');
			process.exit(2);
		}
		o[argv[i].slice(2)] = argv[i + 1];
	}
	return o;
}

const opt = args(process.argv);
const expect = JSON.parse(readFileSync(opt.expect, 'utf8')).rows;
mkdirSync(opt.shots, { recursive: true });
let step = 0;
let page;

function check(ok, what) {
	if (!ok)
		throw new Error('check failed: ' + what);
	console.log('  ok: ' + what);
}

async function shot(name) {
	step++;
	const f = join(opt.shots, String(step).padStart(2, '0') + '-' + name +
	    '.png');
	await page.screenshot({ path: f, fullPage: true });
	console.log('  screenshot ' + f);
}

// The report table as [{key, flows, octets, packets}], in page order.
async function tableRows() {
	return page.$$eval('table.rpt tbody tr', (trs) => trs.map((tr) => {
		const td = [...tr.querySelectorAll('td')].map((c) =>
		    c.textContent.trim());
		return { key: td[0], flows: Number(td[1]),
		    octets: Number(td[2]), packets: Number(td[3]) };
	}));
}

async function reportForm() {
	console.log('== the report form: choose Source IP, the last hour, submit');
	const resp = await page.goto(opt.base + '/');
	check(resp.status() === 200, 'GET / answers 200');
	await page.selectOption('select[name=type]', 'srcip');
	await page.selectOption('select[name=range]', '1h');
	await page.fill('input[name=lines]', '100');
	await shot('form-filled');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('button[type=submit]')]);
	const rows = await tableRows();
	await shot('report-srcip');
	check(rows.length === expect.length, `${rows.length} rows, as the ` +
	    `CLI's ${expect.length}`);
	for (let i = 0; i < rows.length; i++) {
		const e = expect[i], r = rows[i];
		if (r.key !== e['Src Host'] || r.flows !== e.flows ||
		    r.octets !== e.octets || r.packets !== e.packets)
			check(false, `row ${i}: ${JSON.stringify(r)} is ` +
			    `${JSON.stringify(e)} in the CLI's report`);
	}
	check(true, 'every row equals the CLI\'s (key, flows, octets, ' +
	    'packets)');
	check(new URL(page.url()).searchParams.get('type') === 'srcip',
	    'the result is a bookmarkable GET URL');
	return rows;
}

async function sortColumn(before) {
	console.log('== sort: click the octets heading');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('table.rpt thead th:nth-child(3) a')]);
	const rows = await tableRows();
	await shot('sorted-octets');
	check(rows.length === before.length, 'same rows after sorting');
	let asc = true, desc = true;
	for (let i = 1; i < rows.length; i++) {
		asc &&= rows[i - 1].octets <= rows[i].octets;
		desc &&= rows[i - 1].octets >= rows[i].octets;
	}
	const wasDesc = before[0].octets >= before[before.length - 1].octets;
	check(wasDesc ? asc && !desc : desc && !asc,
	    'the octets column now sorted the other way');
}

async function drillDown() {
	console.log('== drill down: click the first source address');
	const link = page.locator('table.rpt tbody tr:first-child td:first-child a');
	const key = (await link.textContent()).trim();
	await Promise.all([page.waitForLoadState('load'), link.click()]);
	await shot('drilled-' + key);
	const rows = await tableRows();
	check(rows.length === 1 && rows[0].key === key,
	    `only ${key} is left in the table`);
	const expr = await page.inputValue('textarea[name=expr]');
	check(expr.includes(key), `the filter box now holds ${key} ("${expr}")`);
	const shown = await page.textContent('code.expr');
	check(shown.includes(key), `the compiled filter shows it ("${shown}")`);
}

async function download() {
	console.log('== CSV download of the same result');
	const href = await page.getAttribute('a:text-is("CSV")', 'href');
	const resp = await page.request.get(new URL(href, page.url()).href);
	check(resp.status() === 200 &&
	    resp.headers()['content-type'].startsWith('text/csv'),
	    'the CSV link answers text/csv');
	const lines = (await resp.text()).trim().split('\n');
	check(lines.length === 2, 'one header line and one row');
}

// On the drilled-down report: save it, find it on the Saved page, open
// it again and get the same one-row table.
async function savedReport() {
	console.log('== save the drilled-down report, list it, open it');
	const before = await tableRows();
	await page.fill('form.save input[name=name]', 'e2e-drill');
	await shot('save-form');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('form.save button[value=report]')]);
	await shot('saved-list');
	check((await page.textContent('p.done')).includes('e2e-drill'),
	    'the Saved page says the report was saved');
	const row = page.locator('#saved-reports tr', { hasText: 'e2e-drill' });
	check(await row.count() === 1, 'e2e-drill is in the list of saved ' +
	    'reports');
	await Promise.all([page.waitForLoadState('load'),
	    row.locator('a.open').click()]);
	await shot('saved-opened');
	check(new URL(page.url()).pathname.endsWith('/report'),
	    'open leads to the Reports page');
	const after = await tableRows();
	check(JSON.stringify(after) === JSON.stringify(before),
	    `the opened report shows the same ${after.length} row(s)`);
}

// The flow listing as the report type, cut at 5 rows with a note.
async function flowListing() {
	console.log('== flow listing: type flows, 5 lines');
	await page.goto(opt.base + '/report');
	await page.selectOption('select[name=type]', 'flows');
	await page.selectOption('select[name=range]', '1h');
	await page.fill('input[name=lines]', '5');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('button[type=submit]')]);
	await shot('flow-listing');
	const n = await page.$$eval('table#flows tbody tr', (t) => t.length);
	check(n === 5, `5 flows listed (${n})`);
	const cut = await page.textContent('#cut');
	check(cut.includes('Only the first 5 flows'), `the cut is said ("${cut}")`);
}

async function graphPage() {
	console.log('== graphs: the last hour, stacked by source address');
	await page.click('nav a[href$="/graph"]');
	await page.waitForLoadState('load');
	await page.selectOption('select[name=range]', '1h');
	await page.selectOption('select[name=unit]', 'bits');
	await page.selectOption('select[name=stack]', 'srcip');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('button[type=submit]')]);
	const img = page.locator('img[alt=graph]');
	await img.waitFor();
	const size = await img.evaluate(async (el) => {
		if (!el.complete)
			await new Promise((ok) => { el.onload = el.onerror = ok; });
		return [el.naturalWidth, el.naturalHeight];
	});
	await shot('graph-stacked');
	const w = await img.getAttribute('width');
	const h = await img.getAttribute('height');
	check(size[0] === Number(w) && size[1] === Number(h),
	    `the PNG loaded at its announced size ${size[0]}x${size[1]}`);
	const cells = await page.$$eval('table tbody tr', (t) => t.length);
	check(cells > 0, `a table of top contributors under it (${cells} rows)`);
}

// The size an <img> decoded to (waiting for it), or [0, 0] if broken.
// (A graph the built-in listener answered 503, busy, is asked again by
// the page's script: wait up to 10 s.)
async function imgSize(img) {
	return img.evaluate(async (el) => {
		for (let i = 0; i < 100; i++) {
			if (el.complete && el.naturalWidth > 0)
				break;
			await new Promise((ok) => setTimeout(ok, 100));
		}
		return [el.naturalWidth, el.naturalHeight];
	});
}

// Create a tracking through the form, see it listed with its thumbnail
// loaded, open its page with the five period graphs, put it on the
// dashboard.
async function trackings() {
	console.log('== trackings: create one through the form, see it listed');
	await page.click('nav a[href$="/trackings"]');
	await page.waitForLoadState('load');
	await shot('trackings-empty');
	await page.fill('#track-new input[name=name]', 'e2e-https');
	await page.fill('#track-new input[name=filter]',
	    'proto tcp and dst port 443');
	await page.fill('#track-new input[name=notes]', 'HTTPS <b>in</b>');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('#track-new button[type=submit]')]);
	check(new URL(page.url()).pathname.endsWith('/tracking') &&
	    new URL(page.url()).searchParams.get('name') === 'e2e-https',
	    'the form leads to the new tracking\'s page');
	check((await page.textContent('p.done')).includes('Tracking created'),
	    'the page says it was created');
	const def = await page.textContent('#definition');
	check(def.includes('filter proto tcp and dst port 443') &&
	    def.includes('notes HTTPS <b>in</b>'),
	    'its definition is shown, the markup as text');
	const graphs = page.locator('figure.period img');
	check(await graphs.count() === 5, 'five period graphs');
	for (let i = 0; i < 5; i++) {
		const g = await imgSize(graphs.nth(i));
		check(g[0] === 700 && g[1] === 200, `period graph ${i + 1} ` +
		    `loaded (${g[0]}x${g[1]})`);
	}
	await shot('tracking-created');
	console.log('== back-fill it over the last two hours from the stored flows');
	const src = await page.getAttribute('figure.period img', 'src');
	const pngLen = async () => (await (await page.request.get(
	    new URL(src, page.url()).href)).body()).length;
	const before = await pngLen();
	await page.fill('#track-backfill input[name=from]', '-2h');
	await page.fill('#track-backfill input[name=to]', 'now');
	await page.check('#track-backfill input[name=replace]');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('#track-backfill button[type=submit]')]);
	check((await page.textContent('p.done')).includes('Back-fill written'),
	    'the page says the back-fill was written');
	for (let i = 0; i < 5; i++) {
		const bg = await imgSize(page.locator('figure.period img').nth(i));
		check(bg[0] === 700 && bg[1] === 200, `period graph ${i + 1} ` +
		    'loaded');
	}
	const after = await pngLen();
	check(after > 3 * before, `the graph is now drawn from the RRD ` +
	    `(${after} bytes, the empty frame ${before})`);
	await shot('tracking-backfilled');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('nav a[href$="/trackings"]')]);
	const fig = page.locator('#trackings figure', { hasText: 'e2e-https' });
	check(await fig.count() === 1, 'e2e-https is in the list');
	const t = await imgSize(fig.locator('img'));
	check(t[0] === 600 && t[1] === 300, `its thumbnail loaded ` +
	    `(${t[0]}x${t[1]}, shown at 300x150)`);
	await shot('trackings-listed');
	await Promise.all([page.waitForLoadState('load'),
	    fig.locator('a.tname').click()]);
	await Promise.all([page.waitForLoadState('load'),
	    page.click('button:text-is("Add to dashboard")')]);
	const d = page.locator('#dashboard figure', { hasText: 'e2e-https' });
	check(await d.count() === 1, 'it is on the dashboard');
	const ds = await imgSize(d.locator('img'));
	check(ds[0] === 700, 'the dashboard graph loaded');
	await shot('dashboard');
	console.log('== a group of it, from the New group form');
	await page.goto(opt.base + '/trackings');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('a:text-is("New group")')]);
	await page.fill('#group-edit input[name=name]', 'e2e-group');
	await page.fill('#group-edit input[name=title]', 'HTTPS in & out');
	await page.selectOption('select[name=m1]', 'e2e-https');
	await page.selectOption('select[name=s2]', 'below');
	await shot('group-form');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('#group-edit button[type=submit]')]);
	check((await page.textContent('p.done')).includes('Group saved'),
	    'the group page says it was saved');
	const gi = page.locator('figure.period img');
	check(await gi.count() === 5, 'five period graphs of the group');
	for (let i = 0; i < 5; i++)
		check((await imgSize(gi.nth(i)))[0] === 700,
		    `its period graph ${i + 1} loaded`);
	await shot('group');
}

async function statusPage() {
	console.log('== status page');
	await page.click('nav a[href$="/status"]');
	await page.waitForLoadState('load');
	await shot('status');
	const text = await page.textContent('body');
	check(text.includes(opt.exporter), `the exporter ${opt.exporter} is ` +
	    'listed');
	const first = await page.$eval('main > :nth-child(3)', (e) => e.id ||
	    e.className);
	check(first === 'warnings' || first === 'no-warnings',
	    `the warnings (or "No warnings") come first (${first})`);
	for (const id of ['exporters', 'listeners', 'trees', 'totals']) {
		const n = await page.$$eval(`table#${id} tbody tr`,
		    (t) => t.length);
		check(n > 0, `a table of ${id} (${n} rows)`);
	}
	const cells = await page.$$eval('table#exporters tbody tr td',
	    (t) => t.map((c) => c.textContent.trim()));
	check(cells[0] === opt.exporter, `its row starts with ${opt.exporter}`);
	const meta = await page.$('meta[http-equiv=refresh]');
	check(meta !== null, 'the page reloads itself');
	await Promise.all([page.waitForLoadState('load'),
	    page.click('#stop-refresh')]);
	check((await page.$('meta[http-equiv=refresh]')) === null,
	    '"stop" turns the reload off');
}

async function badInput() {
	console.log('== bad input: a script in a parameter, a huge number');
	let dialogs = 0;
	page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
	let resp = await page.goto(opt.base +
	    '/report?type=srcip&expr=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
	await shot('bad-expr');
	check(resp.status() === 400, 'a filter with a script tag gets 400');
	check(dialogs === 0 && (await page.$('table.rpt')) === null,
	    'no script ran and no table was drawn');
	const msg = await page.textContent('p.error');
	check(msg.includes('column 1') && msg.includes('"<"'),
	    `the message points at the column, the "<" shown as text ` +
	    `("${msg}")`);
	resp = await page.goto(opt.base +
	    '/report?type=srcip&lines=99999999999999999999999');
	await shot('bad-lines');
	check(resp.status() === 400, 'an out-of-range number gets 400');
}

async function main() {
	const browser = await chromium.launch({ executablePath: opt.chromium,
	    args: ['--no-sandbox'] });
	page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	try {
		const rows = await reportForm();
		await sortColumn(rows);
		await drillDown();
		await download();
		await savedReport();
		await flowListing();
		await graphPage();
		await trackings();
		await statusPage();
		await badInput();
	} catch (e) {
		console.error('FAIL: ' + e.message);
		await shot('failure').catch(() => {});
		await browser.close();
		process.exit(1);
	}
	await browser.close();
}

await main();
