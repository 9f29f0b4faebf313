import { serve } from './serve.js';

/** Production entry (`node dist/src/server.js`): the same service as `jumpcloud-scim-bridge serve`. */
serve();
