/**
 * Persistence of pod sandboxes and containers: one versioned JSON file per object, written
 * atomically, loaded object by object at start-up. The on-disk JSON classes and their translators
 * are package-private; {@link io.tessera.sandbox.store.StoreLayout} owns the paths.
 */
package io.tessera.sandbox.store;
