// Summarises a V8 .cpuprofile: self time by package and function, inclusive time by function.
// Usage: [LAST=<seconds at the end only>] [NOSYS=1: leave out samples in socket writes and idle] [INCL=<rows>] node scripts/profile-summary.mjs FILE.cpuprofile
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map();
const dt = p.timeDeltas; let total = 0;
const counts = new Map();
const lastUs = Number(process.env.LAST ?? 0) * 1e6; let tcur = p.startTime; const tEnd = p.endTime;
for (let i = 0; i < p.samples.length; i++) { const d = dt[i] ?? 0; tcur += d; if (lastUs && tcur < tEnd - lastUs) continue; if (process.env.NOSYS) { const n0 = byId.get(p.samples[i]); if (['writev','writeUtf8String','writeBuffer','writeString','(idle)','writeSync'].includes(n0.callFrame.functionName)) continue; } counts.set(p.samples[i], (counts.get(p.samples[i]) ?? 0) + d); total += d; }
const key = (n) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*node_modules\//, 'nm:').replace(/.*\/dist(-bench)?\//, '')}:${n.callFrame.lineNumber}`;
const pkg = (n) => { const u = n.callFrame.url; if (!u) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)'; const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(u); if (m) return m[1]; if (u.startsWith('node:')) return u; return u.replace(/.*\/dist(-bench)?\//, '').split('/').slice(0,2).join('/'); };
const selfPkg = new Map(); const selfFn = new Map();
for (const [id, t] of counts) { const n = byId.get(id); selfPkg.set(pkg(n), (selfPkg.get(pkg(n)) ?? 0) + t); selfFn.set(key(n), (selfFn.get(key(n)) ?? 0) + t); }
const show = (m, k = 30) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).forEach(([name, t]) => console.log(`${(100 * t / total).toFixed(1).padStart(5)}%  ${name}`));
console.log('total ms', (total / 1000).toFixed(0)); console.log('--- self by package'); show(selfPkg, 25); console.log('--- self by function'); show(selfFn, 40);
// inclusive by function name given in argv[3..]
const incl = new Map();
for (const [id, t] of counts) { const seen = new Set(); let cur = id; while (cur !== undefined) { const k = key(byId.get(cur)); if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + t); } cur = parent.get(cur); } }
console.log('--- inclusive'); show(incl, Number(process.env.INCL ?? 60));
