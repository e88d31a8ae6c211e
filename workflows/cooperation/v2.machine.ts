/** cooperation@2: version 1 plus documents — uploads are events, SUBMIT needs the KAK and drafts, sign needs the signed copy. */
import { createCooperationMachine } from './cooperation.machine.js';

export const cooperationMachineV2 = createCooperationMachine({ documents: true });
