'use strict';
/*
 * oxdap.js — the harness of the DAP conformance tests: VS Code's
 * DebugClient (@vscode/debugadapter-testsupport) driving oxibase-dap, plus
 * the few helpers every test file needs.
 *
 * NOTE: events.  DebugClient.waitForEvent listens from the moment it is
 * called: an event that arrived earlier is lost.  So every helper here that
 * waits for the effect of a request starts waiting *before* it sends the
 * request (Promise.all of the wait and the request).  Output events are
 * the exception: they are recorded from the start, and tests read the
 * record after the run ended.
 *
 * NOTE: hangs.  Every wait has a timeout (EVENT_TIMEOUT_MS), and every test
 * has one too (TEST_TIMEOUT_MS, dapTest's own deadline and node:test's);
 * an adapter left running would keep node's event loop alive, so each test
 * ends with finish() (checks a clean exit) and dapTest kills whatever is
 * left.  What can go wrong is thus a failure, never a hang or an exit 0.
 *
 * NOTE: sanitizers.  Under ./dev.sh test the sanitized build runs the
 * adapter with ASan and UBSan (ASAN_OPTIONS etc. are inherited): finish()
 * fails when the adapter did not exit with 0 by itself after disconnect,
 * or when its stderr holds a sanitizer report.
 */
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');
let DebugClient;
try {
	({ DebugClient } = require('@vscode/debugadapter-testsupport'));
} catch (err) {
	throw new Error(`${err.message}\n(run ./dev.sh setup, or npm ci --prefix tests/dap-node)`);
}

const PACKAGE_DIR = path.resolve(__dirname, '..');
const FIXTURES = path.join(PACKAGE_DIR, 'fixtures');

/* meson sets OXIBASE_DAP to the binary of the build dir it tests (build/
 * or build-san/); by hand, the plain build.  Relative paths count from
 * this package's directory, where meson runs the tests. */
const ADAPTER = path.resolve(PACKAGE_DIR, process.env.OXIBASE_DAP || '../../build/dap/oxibase-dap');

/* A single wait (an event, a response) and a whole test.  Generous: the
 * sanitized build on two shared cores is several times slower than the
 * plain one, and a test that waits in vain should fail, not pass slowly. */
const EVENT_TIMEOUT_MS = 10000;
const TEST_TIMEOUT_MS = 20000;
const EXIT_TIMEOUT_MS = 5000;

const THREAD = 1; /* the launched session ("session") */

function fixture(name) {
	/* realpath: the adapter may canonicalize, the client must match it */
	return fs.realpathSync(path.join(FIXTURES, name));
}

/* The line (1-based) of the first line of file, from line `from` on, that
 * contains marker: tests name lines by their text, not by numbers that an
 * edit of the fixture would silently shift. */
function lineOf(file, marker, from = 1) {
	const lines = fs.readFileSync(file, 'utf8').split('\n');
	for (let i = from - 1; i < lines.length; i++) {
		if (lines[i].includes(marker))
			return i + 1;
	}
	throw new Error(`${path.basename(file)}: no line contains ${JSON.stringify(marker)}`);
}

function tempDir(prefix) {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

class OxDebugClient extends DebugClient {
	/* spawnAs: { command, env } to start something else than the adapter
	 * itself (the VS Code extension's wrapper script) */
	constructor(spawnAs = null) {
		/* runtime and executable are unused: start() spawns the adapter
		 * binary itself, without DebugClient's "runtime executable" pair */
		super(ADAPTER, '', 'oxibase');
		this.spawnAs = spawnAs;
		this.defaultTimeout = EVENT_TIMEOUT_MS;
		this.events = [];     /* every event, in order (diagnostics, output) */
		this.stderr = '';
		this.proc = null;
		this.exit = null;     /* a promise of {code, signal} */
		this.capabilities = null;
	}

	/* Record every event before DebugClient dispatches it. */
	emit(name, ...args) {
		const msg = args[0];
		if (msg && msg.type === 'event')
			this.events.push(msg);
		return super.emit(name, ...args);
	}

	start() {
		if (!fs.existsSync(ADAPTER))
			throw new Error(`no adapter at ${ADAPTER} (build it, or set OXIBASE_DAP)`);
		this.proc = this.spawnAs
			? cp.spawn(this.spawnAs.command, [], { stdio: ['pipe', 'pipe', 'pipe'], env: this.spawnAs.env })
			: cp.spawn(ADAPTER, [], { stdio: ['pipe', 'pipe', 'pipe'] });
		this.proc.stderr.on('data', (d) => { this.stderr += d.toString(); });
		this.exit = new Promise((resolve) => {
			this.proc.on('exit', (code, signal) => resolve({ code, signal }));
			this.proc.on('error', (err) => resolve({ code: null, signal: null, error: err }));
		});
		/* a write after the adapter died must fail the test, not node */
		this.proc.stdin.on('error', () => {});
		this.connect(this.proc.stdout, this.proc.stdin);
		return Promise.resolve();
	}

	/* The concatenated output of one category ("console", "stdout", "stderr"). */
	output(category) {
		return this.events
			.filter((e) => e.event === 'output' && (e.body.category || 'console') === category)
			.map((e) => e.body.output)
			.join('');
	}

	/* What a failed test prints: the events seen and the adapter's stderr. */
	transcript() {
		const ev = this.events.map((e) => `  ${e.event} ${JSON.stringify(e.body || {})}`).join('\n');
		return `events:\n${ev}\nadapter stderr:\n${this.stderr}`;
	}

	/* disconnect, close stdin, and require a clean exit of its own. */
	async finish() {
		await this.disconnectRequest({}).catch(() => {});
		this.proc.stdin.end();
		const timer = new Promise((resolve) => setTimeout(resolve, EXIT_TIMEOUT_MS, null).unref());
		const how = await Promise.race([this.exit, timer]);
		if (how === null) {
			this.kill();
			assert.fail(`the adapter did not exit within ${EXIT_TIMEOUT_MS} ms of disconnect`);
		}
		this.proc = null;
		assert.doesNotMatch(this.stderr, /Sanitizer|runtime error:/, 'sanitizer report from the adapter');
		assert.deepEqual({ code: how.code, signal: how.signal }, { code: 0, signal: null },
			`the adapter's exit status; stderr: ${this.stderr}`);
	}

	/* The error path: no questions asked. */
	kill() {
		if (this.proc) {
			this.proc.kill('SIGKILL');
			this.proc = null;
		}
	}
}

/*
 * A test with a started client: dapTest(name, [options,] async (t, dc, spawn)
 * => ...); options go to node:test ({ todo: 'why' } for a known adapter
 * bug); spawn() starts one more adapter (a second launch).  Every adapter is
 * killed whatever happens; a failure (an assertion, a rejected request, or
 * the test's own deadline, reached a second before node:test's) carries
 * the events seen and the stderr of each adapter.
 */
function dapTest(name, options, fn) {
	if (typeof options === 'function')
		[options, fn] = [{}, options];
	test(name, { timeout: TEST_TIMEOUT_MS, ...options }, async (t) => {
		const clients = [];
		const spawn = async () => {
			const dc = new OxDebugClient();
			clients.push(dc);
			await dc.start();
			return dc;
		};
		let timer;
		try {
			const dc = await spawn();
			const deadline = new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error(`no end after ${TEST_TIMEOUT_MS - 1000} ms`)),
					TEST_TIMEOUT_MS - 1000);
			});
			await Promise.race([fn(t, dc, spawn), deadline]);
		} catch (err) {
			clients.forEach((dc, i) => {
				err.message += `\n--- adapter #${i + 1} (${ADAPTER})\n${dc.transcript()}`;
			});
			throw err;
		} finally {
			clearTimeout(timer);
			clients.forEach((dc) => dc.kill());
		}
	});
}

/*
 * initialize, launch, and the configuration phase: after `initialized`,
 * configure() (breakpoints and such) then configurationDone.  The launch
 * response may come before or after configurationDone: both are awaited.
 * Returns the capabilities.
 */
async function launch(dc, args, configure = async () => {}) {
	const initialized = dc.waitForEvent('initialized');
	const init = await dc.initializeRequest();
	dc.capabilities = init.body || {};
	await Promise.all([
		dc.launchRequest(args),
		initialized.then(async () => {
			await configure();
			await dc.configurationDoneRequest();
		}),
	]);
	return dc.capabilities;
}

/* Run action() (a request, or a launch) and wait for the stop it causes:
 * returns {event, frames} with the reason checked and the whole stack. */
async function stopAfter(dc, reason, action) {
	const [event] = await Promise.all([dc.waitForEvent('stopped'), action()]);
	assert.equal(event.body.reason, reason, `stopped reason (${JSON.stringify(event.body)})`);
	assert.equal(event.body.threadId, THREAD);
	const st = await dc.stackTraceRequest({ threadId: THREAD });
	return { event, frames: st.body.stackFrames };
}

/* Run action() and wait for the end: `terminated` and `exited`. */
async function endAfter(dc, action) {
	const [terminated, exited] = await Promise.all([
		dc.waitForEvent('terminated'),
		dc.waitForEvent('exited'),
		action(),
	]);
	return { terminated, exited, exitCode: exited.body.exitCode };
}

/* The scopes of a frame, by name. */
async function scopes(dc, frameId) {
	const r = await dc.scopesRequest({ frameId });
	const byName = {};
	for (const s of r.body.scopes)
		byName[s.name] = s;
	return { list: r.body.scopes.map((s) => s.name), byName };
}

/* The variables under a reference, by name (and the list, for order). */
async function variables(dc, variablesReference) {
	const r = await dc.variablesRequest({ variablesReference });
	const byName = {};
	for (const v of r.body.variables)
		byName[v.name] = v;
	return { list: r.body.variables, byName };
}

module.exports = {
	ADAPTER,
	OxDebugClient,
	TEST_TIMEOUT_MS,
	THREAD,
	dapTest,
	endAfter,
	fixture,
	launch,
	lineOf,
	scopes,
	stopAfter,
	tempDir,
	variables,
};
