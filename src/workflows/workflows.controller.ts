import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CURRENT_VERSION, WORKFLOWS, findWorkflow } from '../../workflows/registry.js';
import { Roles } from '../auth/auth.decorators.js';
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
