// Tests run under Node, where `@nn/layers` is src/node.ts: load it so io/ has Node's file system, as users get it.
import '../src/node';
