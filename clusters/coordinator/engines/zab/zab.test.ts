import { conformanceSuite } from '../conformance.js';

conformanceSuite('zab');
