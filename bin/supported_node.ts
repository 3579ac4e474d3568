/*
| Imported first by the server and ace entrypoints: the Node check runs
| before the framework loads.
*/
import { refuseUnsupportedNode } from './node_version.js'

refuseUnsupportedNode()
