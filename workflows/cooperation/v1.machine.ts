/** cooperation@1: the procedure of contract §4, without documents. Never changed once cases run on it. */
import { createCooperationMachine } from './cooperation.machine.js';

export type { CooperationContext, CooperationEvent, CooperationInput, OpenTask } from './cooperation.machine.js';

export const cooperationMachineV1 = createCooperationMachine({ documents: false });
