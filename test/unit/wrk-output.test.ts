import { expect, it } from 'vitest';
import { parseWrkOutput } from '../bench/wrk-output.ts';

// wrk's own report, then the line test/bench/wrk.lua's done() prints (as wrk 4.1 printed them here).
const output = `Running 10s test @ http://127.0.0.1:18777
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   547.84us    1.43ms  22.28ms   93.02%
  20353 requests in 2.00s, 3.44MB read
  Non-2xx or 3xx responses: 12
Requests/sec:  10176.29
WRK_JSON {"requests":20353,"duration_us":2000000,"bytes":3609263,"errors":{"connect":1,"read":2,"write":3,"status":12,"timeout":4},"latency_us":{"p50":130,"p90":1372,"p99":5954,"max":22276,"mean":547.844}}
`;

it('reads requests/s, p50 and p99 (ms), transport errors and non-2xx from the WRK_JSON line', () => {
  expect(parseWrkOutput(output)).toEqual({ requests: 20353, rps: 10176.5, p50: 0.13, p99: 5.954, errors: 10, non2xx: 12 });
});

it('says what is wrong when wrk ran without the bench script', () => {
  expect(() => parseWrkOutput('Running 10s test @ http://x\nRequests/sec: 1\n')).toThrow(/no WRK_JSON line.*wrk\.lua/);
});

it('refuses a run of no duration rather than dividing by zero', () => {
  expect(() => parseWrkOutput(output.replace('"duration_us":2000000', '"duration_us":0'))).toThrow(/duration of 0/);
});
