'use strict';
/*
 * protocol.test.js — the session's envelope: initialize and its
 * capabilities, requests before initialize, unknown commands, threads.
 * (Raw framing errors are the C tests' business: tests/dap.)
 */
const assert = require('node:assert/strict');
const { THREAD, dapTest, endAfter, launch, stopAfter } = require('../lib/oxdap');

/* What the adapter promises in its initialize response. */
const CAPABILITIES = [
	'supportsConfigurationDoneRequest',
	'supportsFunctionBreakpoints',
	'supportsConditionalBreakpoints',
	'supportsHitConditionalBreakpoints',
	'supportsLogPoints',
	'supportsEvaluateForHovers',
	'supportsSetVariable',
	'supportsExceptionInfoRequest',
	'supportsLoadedSourcesRequest',
	'supportsTerminateRequest',
	'supportsCancelRequest',
	'supportsBreakpointLocationsRequest',
	'supportsDelayedStackTraceLoading',
];

/* DAP lets `initialized` come any time after the initialize response;
 * this adapter sends it after the launch response (configuration needs
 * the session launch creates), so a client must not wait for it before
 * launching. */
dapTest('initialize answers the capabilities; initialized follows it', async (t, dc) => {
	let answered = false;
	const initialized = dc.waitForEvent('initialized').then((ev) => {
		assert.ok(answered, 'initialized came before the initialize response');
		return ev;
	});
	const init = await dc.initializeRequest();
	answered = true;
	for (const c of CAPABILITIES)
		assert.equal(init.body[c], true, c);
	const filters = (init.body.exceptionBreakpointFilters || []).map((f) => f.filter).sort();
	assert.deepEqual(filters, ['raised', 'uncaught']);
	for (const f of init.body.exceptionBreakpointFilters)
		assert.equal(typeof f.label, 'string', `label of filter ${f.filter}`);
	await Promise.all([initialized, dc.launchRequest({ sql: 'SELECT 1;' })]);
	const end = await endAfter(dc, () => dc.configurationDoneRequest());
	assert.equal(end.exitCode, 0);
	await dc.finish();
});

dapTest('a request before initialize fails, and initialize still works after it', async (t, dc) => {
	await assert.rejects(dc.threadsRequest(), /initialize/);
	await assert.rejects(dc.launchRequest({ sql: 'SELECT 1;' }), /initialize/);
	const init = await dc.initializeRequest();
	assert.equal(init.success, true);
	await dc.finish();
});

dapTest('an unknown command fails, and the session goes on', async (t, dc) => {
	const entry = await stopAfter(dc, 'entry', () => launch(dc, { sql: 'SELECT 1;\nSELECT 2;\n', stopOnEntry: true }));
	assert.equal(entry.frames[0].line, 1);
	await assert.rejects(dc.customRequest('noSuchCommand', { x: 1 }));
	await assert.rejects(dc.customRequest('stepBackwardsInTime'));
	/* still answering, and still stopped where it was */
	const r = await dc.threadsRequest();
	assert.deepEqual(r.body.threads, [{ id: THREAD, name: 'session' }]);
	const st = await dc.stackTraceRequest({ threadId: THREAD });
	assert.equal(st.body.stackFrames[0].line, 1);
	const end = await endAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
	assert.equal(end.exitCode, 0);
	await dc.finish();
});
