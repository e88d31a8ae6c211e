import { writeFileSync } from 'node:fs';
import { findWorkflow } from '../../workflows/registry.js';
import { layoutWorkflowDiagram, renderWorkflowSvg } from './workflow-diagram.js';
it('probe', async () => {
  const d = await layoutWorkflowDiagram(findWorkflow('cooperation', 2)!.machine, 'id', 'Prosedur kerja sama, versi 2');
  writeFileSync('/tmp/diagram.svg', renderWorkflowSvg(d, { current: 'legal_review', steps: [['proposal','administrative_check'],['administrative_check','technical_review'],['technical_review','revision'],['revision','technical_review'],['technical_review','tkksd_coordination'],['tkksd_coordination','legal_review']] }));
  console.log(d.width, d.height);
});
