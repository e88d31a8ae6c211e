import { Body, Controller, Get, Header, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { INSTRUMENT_RULES, INSTRUMENTS, PARTNER_CATEGORIES } from '../../workflows/domain.js';
import { SEALED, WORKFLOWS, findWorkflow, newestWorkflow } from '../../workflows/registry.js';
import { AuditService } from '../audit/audit.service.js';
import { CurrentActor, Public, Roles } from '../auth/auth.decorators.js';
import { CasesService } from '../cases/cases.service.js';
import type { Actor } from '../common/actor.js';
import { DomainError, invalid, notFound } from '../common/errors.js';
import { toLocale, workflowLabel, type Locale } from '../i18n/labels.js';
import { DiagramQuery } from './diagram-query.dto.js';
import { MigrateDto } from './migrate.dto.js';
import { MigrationService, type MigrationReport } from './migration.service.js';
import { layoutWorkflowDiagram, renderWorkflowSvg, type DiagramHighlight, type LaidOutDiagram } from './workflow-diagram.js';
import { caseViewKey, type CaseView } from './workflow-graph.js';

@ApiTags('workflows')
@ApiBearerAuth()
@Controller('api/workflows')
export class WorkflowsController {
  /** Laid-out diagrams per workflow, version and locale; a request only adds its highlight. */
  private readonly layouts = new Map<string, Promise<LaidOutDiagram>>();

  constructor(
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(MigrationService) private readonly migration: MigrationService,
  ) {}

  @Post(':name/migrate')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move running cases to a newer version (contract §11)',
    description:
      'Admin. Moves each running case on `from` (or only `caseIds`) to `to` when its stage and its open tasks exist there: one `MIGRATED` step per case, ' +
      'its tasks and timers kept. Answers `{workflow, from, to, dryRun, moved: [{caseId, number, stage}], skipped: [{caseId, number, stage, code, reason}], counts: {moved, skipped}}`; ' +
      'skipped cases are left as they are (`code`: final, signed, stage_missing, task_stage_missing, already_on_target, other_version, not_found, concurrent_write; `reason` in Indonesian). ' +
      '`dryRun: true` writes nothing. Running it again moves nothing more.',
  })
  migrate(@CurrentActor() actor: Actor, @Param('name') name: string, @Body() body: MigrateDto): Promise<MigrationReport> {
    return this.migration.migrate(actor, name, body);
  }

  @Get()
  @Roles('any')
  list() {
    return WORKFLOWS.map((w) => ({
      name: w.name,
      version: w.version,
      current: newestWorkflow(w.name) === w,
      /** Sealed (contract §13): its files' hashes are in workflows/lock.ts and it never changes. */
      sealed: SEALED.some((s) => s.workflow === w.name && s.version === w.version),
      description: w.description,
      stages: Object.keys(w.machine.root.states).filter((s) => w.stages.includes(s)),
      diagram: `/api/workflows/${w.name}/${w.version}/diagram`,
    }));
  }

  /** The procedure's data (roles, decisions, instruments, document rules), so clients offer only what is allowed. */
  @Get(':name/:version/rules')
  @Public()
  rules(@Param('name') name: string, @Param('version') version: string) {
    const workflow = version === 'current' ? newestWorkflow(name) : /^\d+$/.test(version) ? findWorkflow(name, Number(version)) : undefined;
    if (!workflow) throw notFound('workflow', `${name}@${version}`);
    // Each version answers from its own sealed definition; the domain's words are every version's.
    const documents = workflow.documents;
    return {
      workflow: { name: workflow.name, version: workflow.version },
      stages: workflow.stages,
      taskStages: workflow.taskStages,
      finalStages: workflow.finalStages,
      taskStageRules: workflow.taskStageRules,
      caseEventRules: workflow.caseEventRules,
      instruments: INSTRUMENTS,
      partnerCategories: PARTNER_CATEGORIES,
      instrumentRules: INSTRUMENT_RULES,
      documentKinds: documents?.kinds ?? [],
      uploadRules: documents?.uploadRules ?? {},
      submitRequires: documents?.submitRequires ?? { always: [], byCategory: {}, byInstrument: {} },
      signRequires: documents?.signRequires ?? null,
      decisionRequires: documents?.decisionRequires ?? [],
      /** Who may begin a case (contract §11), the default first; versions before 3 know only an OPD's proposal. */
      initiatives: workflow.initiatives ?? ['opd'],
    };
  }

  @Get(':name/:version/diagram')
  @Roles('any')
  @Header('content-type', 'image/svg+xml; charset=utf-8')
  @ApiProduces('image/svg+xml')
  async diagram(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Param('version') version: string,
    @Query() query: DiagramQuery,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<string> {
    const workflow = /^\d+$/.test(version) ? findWorkflow(name, Number(version)) : undefined;
    if (!workflow) throw notFound('workflow', `${name}@${version}`);
    const locale = query.lang ? toLocale(query.lang) : localeOf(acceptLanguage);
    const theCase = query.caseId ? await this.caseHighlight(actor, query.caseId, workflow.name, workflow.version) : null;
    // A case's picture leaves out the ways its start rules out (an OPD's proposal has no intake).
    const view = theCase ? theCase.view : undefined;
    const key = `${workflow.name}@${workflow.version}:${locale}:${caseViewKey(workflow, view)}`;
    let layout = this.layouts.get(key);
    if (!layout) {
      layout = layoutWorkflowDiagram(workflow, locale, workflowLabel(locale, workflow.name, workflow.version), view);
      layout.catch(() => this.layouts.delete(key));
      this.layouts.set(key, layout);
    }
    const highlight = theCase ? theCase.highlight : { current: query.stage };
    return renderWorkflowSvg(await layout, highlight);
  }

  /**
   * The case's stage, and the steps it took when the caller may read its history (else the stage alone).
   * A case the caller may not see (a proposer's view is their own cases) is 404, as an unknown id.
   */
  private async caseHighlight(actor: Actor, caseId: string, name: string, version: number): Promise<{ highlight: DiagramHighlight; view: CaseView }> {
    const c = await this.cases.get(actor, caseId);
    if (c.workflow.name !== name || c.workflow.version !== version) throw invalid('caseId', `case ${caseId} runs on ${c.workflow.name}@${c.workflow.version}`);
    const view: CaseView = { context: { initiative: c.initiative } };
    try {
      const events = await this.audit.history(actor, caseId);
      const steps = events.flatMap((e) => (e.stageBefore && e.stageBefore !== e.stageAfter ? [[e.stageBefore, e.stageAfter] as [string, string]] : []));
      return { highlight: { current: c.stage, steps }, view };
    } catch (e) {
      if (e instanceof DomainError && e.code === 'Forbidden') return { highlight: { current: c.stage }, view };
      throw e;
    }
  }
}

/** English when the caller's first language is English; Indonesian otherwise. */
function localeOf(acceptLanguage: string | undefined): Locale {
  return toLocale(acceptLanguage?.split(',')[0]?.trim().slice(0, 2).toLowerCase());
}
