import { InitialSchema1764300000000 } from './1764300000000-initial-schema.js';
import { Deadlines1764400000000 } from './1764400000000-deadlines.js';
import { Documents1764500000000 } from './1764500000000-documents.js';
import { DeliveryLease1764600000000 } from './1764600000000-delivery-lease.js';
import { Checkpoints1764700000000 } from './1764700000000-checkpoints.js';
import { StepGuard1764800000000 } from './1764800000000-step-guard.js';
import { TaskIndexes1764900000000 } from './1764900000000-task-indexes.js';
import { Messages1765000000000 } from './1765000000000-messages.js';
import { UserActive1765100000000 } from './1765100000000-user-active.js';
import { CasesProposerIndex1765200000000 } from './1765200000000-cases-proposer-index.js';
import { DropOutbox1765300000000 } from './1765300000000-drop-outbox.js';
import { EventHashFormat1765400000000 } from './1765400000000-event-hash-format.js';
import { Agreements1765500000000 } from './1765500000000-agreements.js';
import { SemesterReportsSent1765600000000 } from './1765600000000-semester-reports-sent.js';
import { CaseKind1765700000000 } from './1765700000000-case-kind.js';
import { TimerOffsetLength1766000000000 } from './1766000000000-timer-offset-length.js';
import { Offers1766200000000 } from './1766200000000-offers.js';
import { CaseProposal1766400000000 } from './1766400000000-case-proposal.js';
import { Signing1766500000000 } from './1766500000000-signing.js';
import { UserChannels1766600000000 } from './1766600000000-user-channels.js';
import { Digests1766600000001 } from './1766600000001-digests.js';

/** Every migration in order. Committed migrations are never edited; a change is a new one. */
export const MIGRATIONS = [InitialSchema1764300000000, Deadlines1764400000000, Documents1764500000000, DeliveryLease1764600000000, Checkpoints1764700000000, StepGuard1764800000000, TaskIndexes1764900000000, Messages1765000000000, UserActive1765100000000, CasesProposerIndex1765200000000, DropOutbox1765300000000, EventHashFormat1765400000000, Agreements1765500000000, SemesterReportsSent1765600000000, CaseKind1765700000000, TimerOffsetLength1766000000000, Offers1766200000000, CaseProposal1766400000000, Signing1766500000000, UserChannels1766600000000, Digests1766600000001];
