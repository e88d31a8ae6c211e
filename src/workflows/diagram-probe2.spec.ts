import { findWorkflow } from '../../workflows/registry.js';
import { layoutWorkflowDiagram } from './workflow-diagram.js';
it('probe2', async () => {
  const d = await layoutWorkflowDiagram(findWorkflow('cooperation', 2)!.machine, 'id', 'T');
  console.log(JSON.stringify(d.group), d.nodes.map((n) => `${n.id} ${Math.round(n.x)}-${Math.round(n.x + n.width)}`).join('\n'), d.edges.map((e) => `${e.from}>${e.to} ${e.points.map((p) => Math.round(p.x)).join(',')} | ${e.texts.map((t) => Math.round(t.x)).join(',')}`).join('\n'));
});
