'use strict';
/*
 * remote.test.js — remote debugging against a real oxibase-server, judged
 * by VS Code's DebugClient: attach over the raw debug port (TCP) and
 * through oxibase-dap's relay over the WebSocket at /api/dap, each with a
 * token from POST /api/auth/login.  A breakpoint is hit by a call made
 * by another client — psql over the wire protocol, and POST /api/rpc over
 * HTTP — which waits while its session is stopped, then gets its answer
 * when the debugger continues.  A script POSTed to /api/sql under a
 * source name (X-Oxibase-Source) stops at a line breakpoint of that path
 * and steps from statement to statement.  Also: a bad token, and a psql
 * session that runs on while another is stopped.
 *
 * NOTE: the server is started once for the file (init with a superuser
 * and a password, every port 0, read back from its log) and stopped with
 * SIGTERM at the end; its log is printed when a test fails.
 */
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { before, after } = require('node:test');
const { OxDebugClient, dapTest, tempDir, variables, scopes } = require('../lib/oxdap');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const SERVER = path.resolve(__dirname, '..', process.env.OXIBASE_SERVER || '../../build/app/server/oxibase-server');
const USER = 'alice';
const PASSWORD = 'wonder land';
const WAIT_MS = 10000;

const srv = { proc: null, dir: null, log: '', pg: 0, http: 0, dap: 0 };

function waitForLog(re) {
	return new Promise((resolve, reject) => {
		const deadline = setTimeout(() => reject(new Error(`server log never said ${re}:\n${srv.log}`)), WAIT_MS);
		const check = () => {
			const m = srv.log.match(re);
			if (m) {
				clearTimeout(deadline);
				resolve(m);
			} else
				setTimeout(check, 20);
		};
		check();
	});
}

function psqlAsync(sql) {
	return new Promise((resolve) => {
		const p = cp.spawn('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(srv.pg),
			'-U', USER, '-d', 'oxibase', '-c', sql], {
			env: { ...process.env, PGPASSWORD: PASSWORD, PGAPPNAME: 'psql-remote-test' },
		});
		let out = '', err = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { err += d; });
		p.on('exit', (code) => resolve({ code, out: out.trim(), err }));
	});
}

async function psql(sql) {
	const r = await psqlAsync(sql);
	assert.equal(r.code, 0, `psql ${sql}: ${r.err}`);
	return r.out;
}

async function http(method, route, body, token) {
	const headers = { 'Content-Type': 'application/json' };
	if (token)
		headers.Authorization = `Bearer ${token}`;
	const r = await fetch(`http://127.0.0.1:${srv.http}${route}`, {
		method, headers, body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await r.text();
	return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function login() {
	const r = await http('POST', '/api/auth/login', { user: USER, password: PASSWORD });
	assert.equal(r.status, 200, JSON.stringify(r.json));
	return r.json.token;
}

before(async () => {
	srv.dir = tempDir('oxibase-remote-');
	const pw = path.join(srv.dir, 'password');
	fs.writeFileSync(pw, PASSWORD + '\n');
	const data = path.join(srv.dir, 'data');
	cp.execFileSync(SERVER, ['init', data, '--superuser', USER, '--password-file', pw], { stdio: 'ignore' });
	/* a short HTTP request timeout: a request under a debugger must
	 * outlive it */
	srv.proc = cp.spawn(SERVER, [data, '--pg-port', '0', '--http-port', '0', '--dap-port', '0',
		'--http-request-timeout', '1000'],
		{ stdio: ['ignore', 'ignore', 'pipe'] });
	srv.proc.stderr.on('data', (d) => { srv.log += d.toString(); });
	srv.pg = Number((await waitForLog(/(?<!http |dap )listening on [^\s]+:(\d+)/))[1]);
	srv.http = Number((await waitForLog(/http listening on [^\s]+:(\d+)/))[1]);
	srv.dap = Number((await waitForLog(/dap listening on [^\s]+:(\d+)/))[1]);
	await psql(`CREATE FUNCTION bump(n int) RETURNS int LANGUAGE plsql AS $$
DECLARE r int;
BEGIN
  r := n + 1;
  RETURN r;
END $$`);
});

after(async () => {
	if (srv.proc) {
		const exited = new Promise((resolve) => srv.proc.on('exit', (code, signal) => resolve({ code, signal })));
		srv.proc.kill('SIGTERM');
		const how = await Promise.race([exited, new Promise((r) => setTimeout(r, WAIT_MS, null))]);
		if (!how)
			srv.proc.kill('SIGKILL');
		assert.deepEqual(how, { code: 0, signal: null }, `server exit; log:\n${srv.log}`);
		assert.doesNotMatch(srv.log, /Sanitizer|runtime error:/, 'sanitizer report from the server');
	}
	fs.rmSync(srv.dir, { recursive: true, force: true });
});

/* A DebugClient on the server's raw debug port. */
class PortClient extends DebugClient {
	constructor() {
		super('node', '', 'oxibase');
		this.defaultTimeout = WAIT_MS;
	}
}

async function attach(dc, args, configure) {
	const initialized = dc.waitForEvent('initialized');
	await dc.initializeRequest({ adapterID: 'oxibase', linesStartAt1: true, columnsStartAt1: true });
	await dc.attachRequest(args);
	await initialized;
	await configure();
	await dc.configurationDoneRequest();
}

async function withLog(fn) {
	try {
		await fn();
	} catch (err) {
		err.message += `\n--- server log\n${srv.log}`;
		throw err;
	}
}

dapTest('attach on the debug port: a psql call stops at a function breakpoint, another session runs on',
	async (t, unused) => withLog(async () => {
		unused.kill();  /* this test talks to the server, not to a spawned adapter */
		const token = await login();
		const dc = new PortClient();
		await dc.start(srv.dap);
		try {
			await attach(dc, { token, sessions: { application_name: 'psql-remote-test' } }, async () => {
				const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'bump' }] });
				assert.equal(r.body.breakpoints[0].verified, true);
			});
			const stopped = dc.waitForEvent('stopped');
			const call = psqlAsync('SELECT bump(41)');
			const ev = await stopped;
			assert.equal(ev.body.reason, 'function breakpoint');
			assert.equal(ev.body.allThreadsStopped, false);
			const tid = ev.body.threadId;
			const threads = await dc.threadsRequest();
			const me = threads.body.threads.find((th) => th.id === tid);
			assert.ok(me, `thread ${tid} in ${JSON.stringify(threads.body.threads)}`);
			assert.match(me.name, /alice@oxibase: psql-remote-test/);
			const st = await dc.stackTraceRequest({ threadId: tid });
			assert.equal(st.body.stackFrames[0].name, 'bump(41)');
			assert.ok(st.body.stackFrames[0].source.sourceReference > 0);
			/* another psql session (not taken: another application name)
			 * runs while this one is stopped */
			const other = await psqlAsync("SET application_name = 'other'; SELECT 40 + 2");
			assert.equal(other.code, 0, other.err);
			assert.match(other.out, /42/);
			/* the sessions list says who is paused */
			const sessions = await http('GET', '/api/sessions', undefined, token);
			const paused = sessions.json.sessions.filter((s) => s.state === 'paused in debugger');
			assert.deepEqual(paused.map((s) => s.id), [tid], JSON.stringify(sessions.json));
			/* pg_stat_activity says it as PostgreSQL would: a statement
			 * running (active) that waits on something outside the
			 * database (Extension / DebuggerPaused) */
			const act = await psqlAsync("SET application_name = 'other'; SELECT state || '|' || wait_event_type || "
				+ `'|' || wait_event FROM pg_stat_activity WHERE pid = ${tid}`);
			assert.equal(act.code, 0, act.err);
			assert.equal(act.out.split('\n').pop(), 'active|Extension|DebuggerPaused');  /* after SET's tag */
			await dc.continueRequest({ threadId: tid });
			const done = await call;
			assert.equal(done.code, 0, done.err);
			assert.equal(done.out, '42');
			/* a cancel (here POST /api/sessions/{id}/cancel) ends a stop
			 * as it ends a statement: 57014 for the caller */
			const stopped2 = dc.waitForEvent('stopped');
			const call2 = psqlAsync('SELECT bump(1)');
			const tid2 = (await stopped2).body.threadId;
			const c = await http('POST', `/api/sessions/${tid2}/cancel`, undefined, token);
			assert.equal(c.status, 200, JSON.stringify(c.json));
			const cancelled = await call2;
			assert.notEqual(cancelled.code, 0);
			assert.match(cancelled.err, /canceling statement due to user request|57014/);
			/* and so does pg_cancel_backend, from any session of the role */
			const stopped3 = dc.waitForEvent('stopped');
			const call3 = psqlAsync('SELECT bump(2)');
			const tid3 = (await stopped3).body.threadId;
			const sig = await psqlAsync(`SET application_name = 'other'; SELECT pg_cancel_backend(${tid3})`);
			assert.equal(sig.code, 0, sig.err);
			assert.equal(sig.out.split('\n').pop(), 't');
			const cancelled3 = await call3;
			assert.notEqual(cancelled3.code, 0);
			assert.match(cancelled3.err, /canceling statement due to user request|57014/);
			await dc.disconnectRequest({});
		} finally {
			dc.stopAdapter();  /* stop() would send another disconnect, never answered */
		}
	}));

dapTest('oxibase-dap relays an attach over the WebSocket: an HTTP rpc call stops, its locals show, it completes',
	async (t, dc) => withLog(async () => {
		const token = await login();
		await attach(dc, { url: `ws://127.0.0.1:${srv.http}/api/dap`, token, sessions: 'all' }, async () => {
			await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'bump' }] });
		});
		const stopped = dc.waitForEvent('stopped');
		const call = http('POST', '/api/rpc/public.bump', { n: 5 }, token);
		const ev = await stopped;
		const tid = ev.body.threadId;
		const st = await dc.stackTraceRequest({ threadId: tid });
		assert.equal(st.body.stackFrames[0].name, 'bump(5)');
		/* longer than --http-request-timeout: a request under a debugger
		 * is not timed out */
		await new Promise((resolve) => setTimeout(resolve, 1500));
		/* a line breakpoint on the RETURN, in the source served by
		 * reference: r is 6 there */
		const sref = st.body.stackFrames[0].source.sourceReference;
		assert.ok(sref > 0);
		const src = await dc.sourceRequest({ sourceReference: sref });
		assert.match(src.body.content, /RETURN r;/);
		const bp = await dc.setBreakpointsRequest({ source: { sourceReference: sref }, breakpoints: [{ line: 5 }] });
		assert.equal(bp.body.breakpoints[0].verified, true);
		const atReturn = dc.waitForEvent('stopped');
		await dc.continueRequest({ threadId: tid });
		const ev2 = await atReturn;
		assert.equal(ev2.body.reason, 'breakpoint');
		const top = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0];
		assert.equal(top.line, 5);
		const sc = await scopes(dc, top.id);
		const locals = await variables(dc, sc.byName.Locals.variablesReference);
		assert.equal(locals.byName.r.value, '6');
		await dc.continueRequest({ threadId: tid });
		const r = await call;
		assert.equal(r.status, 200, JSON.stringify(r.json));
		assert.equal(r.json.result, 6);
		await dc.finish();
	}));

/* A script POSTed to /api/sql under a source name of the client's own. */
const script = (table) => `-- a script the client debugs as its own file
CREATE TABLE ${table} (n int);
INSERT INTO ${table} VALUES (1), (2);
SELECT sum(n) AS total FROM ${table};
SELECT bump(40) AS b;
`;
const SCRIPT = script('t_script');

async function postScript(token, source, app, text = SCRIPT) {
	const r = await fetch(`http://127.0.0.1:${srv.http}/api/sql`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`,
			'X-Oxibase-Source': source, 'X-Application-Name': app },
		body: JSON.stringify({ sql: text }),
	});
	return { status: r.status, json: await r.json() };
}

function checkScriptResults(r) {
	assert.equal(r.status, 200, JSON.stringify(r.json));
	const res = r.json.results;
	assert.equal(res.length, 4, JSON.stringify(r.json));
	assert.equal(res[1].command, 'INSERT 0 2');
	assert.equal(String(res[2].rows[0][0]), '3');
	assert.equal(String(res[3].rows[0][0]), '41');
}

dapTest('a script POSTed with X-Oxibase-Source stops at a breakpoint on its own line, steps, and completes',
	async (t, unused) => withLog(async () => {
		unused.kill();
		const token = await login();
		/* the client's file: it does not exist on the server (nor here) */
		const source = path.join(srv.dir, 'client-side', 'script.sql');
		const dc = new PortClient();
		await dc.start(srv.dap);
		try {
			await attach(dc, { token, sessions: { application_name: 'script-test' } }, async () => {
				const r = await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: 3 }] });
				assert.equal(r.body.breakpoints[0].verified, true, JSON.stringify(r.body));
			});
			const stopped = dc.waitForEvent('stopped');
			const call = postScript(token, source, 'script-test');
			const ev = await stopped;
			assert.equal(ev.body.reason, 'breakpoint');
			const tid = ev.body.threadId;
			const st = await dc.stackTraceRequest({ threadId: tid });
			assert.equal(st.body.stackFrames.length, 1, JSON.stringify(st.body));
			const top = st.body.stackFrames[0];
			assert.equal(top.line, 3);
			assert.equal(top.name, 'INSERT INTO t_script VALUES (1), (2);');
			assert.equal(top.source.path, source);
			assert.equal(top.source.name, 'script.sql');
			/* the text the request ran, served for the path */
			const src = await dc.sourceRequest({ source: { path: source }, sourceReference: 0 });
			assert.equal(src.body.content, SCRIPT);
			/* longer than --http-request-timeout */
			await new Promise((resolve) => setTimeout(resolve, 1200));
			/* Step Over: the next statement of the script */
			const stepped = dc.waitForEvent('stopped');
			await dc.nextRequest({ threadId: tid });
			const ev2 = await stepped;
			assert.equal(ev2.body.reason, 'step');
			const top2 = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames[0];
			assert.equal(top2.line, 4);
			assert.equal(top2.source.path, source);
			/* Step Into the call of bump: its body, by reference, over the script's frame */
			const stepped2 = dc.waitForEvent('stopped');
			await dc.nextRequest({ threadId: tid });
			await stepped2;
			const stepped3 = dc.waitForEvent('stopped');
			await dc.stepInRequest({ threadId: tid });
			await stepped3;
			const inner = (await dc.stackTraceRequest({ threadId: tid })).body.stackFrames;
			assert.equal(inner.length, 2, JSON.stringify(inner));
			assert.ok(inner[0].source.sourceReference > 0, JSON.stringify(inner[0]));
			assert.equal(inner[1].line, 5);
			assert.equal(inner[1].source.path, source);
			await dc.continueRequest({ threadId: tid });
			checkScriptResults(await call);
			await dc.disconnectRequest({});
		} finally {
			dc.stopAdapter();
		}
		/* no debugger: the header changes nothing */
		checkScriptResults(await postScript(token, source, 'script-test', script('t_script2')));
	}));

dapTest('attach with a bad token is refused, and nothing else is served before a good one', async (t, unused) =>
	withLog(async () => {
		unused.kill();
		const dc = new PortClient();
		await dc.start(srv.dap);
		try {
			await dc.initializeRequest({ adapterID: 'oxibase' });
			await assert.rejects(dc.threadsRequest(), /before a successful "attach"/);
			await assert.rejects(dc.attachRequest({ token: 'forged' }), /not valid/);
			await assert.rejects(dc.attachRequest({}), /token/);
			await dc.disconnectRequest({});
		} finally {
			dc.stopAdapter();  /* stop() would send another disconnect, never answered */
		}
	}));
