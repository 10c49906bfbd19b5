/**
 * Object ids (random 64-hex), their unique-prefix lookup, and the reservation of unique pod sandbox
 * and container names.
 */
package io.tessera.sandbox.ids;
