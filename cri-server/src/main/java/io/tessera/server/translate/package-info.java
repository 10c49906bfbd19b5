/**
 * The one place CRI protobuf messages meet the sandbox-manager domain: {@link
 * io.tessera.server.translate.CriToDomain} for requests, {@link
 * io.tessera.server.translate.DomainToCri} for list items and statuses. Proto types are written
 * fully qualified here because most share a simple name with their domain record.
 */
package io.tessera.server.translate;
