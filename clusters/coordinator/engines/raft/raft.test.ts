import { conformanceSuite } from '../conformance.js';

conformanceSuite('raft');
