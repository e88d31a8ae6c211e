import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CURRENT_VERSION, WORKFLOWS, findWorkflow } from '../../workflows/registry.js';
import { Public, Roles } from '../auth/auth.decorators.js';
import { CASE_EVENT_RULES, FINAL_STAGES, INSTRUMENT_RULES, INSTRUMENTS, PARTNER_CATEGORIES, STAGES, TASK_STAGE_RULES, TASK_STAGES } from '../../workflows/cooperation/v1.rules.js';
import { DOCUMENT_KINDS, SIGN_REQUIRES, SUBMIT_REQUIRES, UPLOAD_RULES } from '../../workflows/cooperation/v2.documents.js';
import { notFound } from '../common/errors.js';
import { renderWorkflowSvg } from './workflow-diagram.js';

@ApiTags('workflows')
@ApiBearerAuth()
@Controller('api/workflows')
export class WorkflowsController {
  private readonly svgCache = new Map<string, string>();

  @Get()
  @Roles('any')
  list() {
    return WORKFLOWS.map((w) => ({
      name: w.name,
      version: w.version,
      current: CURRENT_VERSION[w.name] === w.version,
      description: w.description,
      stages: Object.keys(w.machine.root.states),
      diagram: `/api/workflows/${w.name}/${w.version}/diagram`,
    }));
  }

  /** The procedure's data (roles, decisions, instruments, document rules), so clients offer only what is allowed. */
  @Get(':name/:version/rules')
  @Public()
  rules(@Param('name') name: string, @Param('version') version: string) {
    const number = version === 'current' ? CURRENT_VERSION[name] : /^\d+$/.test(version) ? Number(version) : undefined;
    const workflow = number !== undefined ? findWorkflow(name, number) : undefined;
    if (!workflow) throw notFound('workflow', `${name}@${version}`);
    const documents = workflow.version >= 2;
    return {
      workflow: { name: workflow.name, version: workflow.version },
      stages: STAGES,
      taskStages: TASK_STAGES,
      finalStages: FINAL_STAGES,
      taskStageRules: TASK_STAGE_RULES,
      caseEventRules: CASE_EVENT_RULES,
      instruments: INSTRUMENTS,
      partnerCategories: PARTNER_CATEGORIES,
      instrumentRules: INSTRUMENT_RULES,
      documentKinds: documents ? DOCUMENT_KINDS : [],
      uploadRules: documents ? UPLOAD_RULES : {},
      submitRequires: documents ? SUBMIT_REQUIRES : { always: [], byCategory: {}, byInstrument: {} },
      signRequires: documents ? SIGN_REQUIRES : null,
    };
  }

  @Get(':name/:version/diagram')
  @Roles('any')
  @Header('content-type', 'image/svg+xml; charset=utf-8')
  @ApiProduces('image/svg+xml')
  diagram(@Param('name') name: string, @Param('version') version: string): string {
    const workflow = /^\d+$/.test(version) ? findWorkflow(name, Number(version)) : undefined;
    if (!workflow) throw notFound('workflow', `${name}@${version}`);
    const key = `${name}@${version}`;
    if (!this.svgCache.has(key)) this.svgCache.set(key, renderWorkflowSvg(workflow.machine, { title: `${name} workflow, version ${version}` }));
    return this.svgCache.get(key)!;
  }
}
