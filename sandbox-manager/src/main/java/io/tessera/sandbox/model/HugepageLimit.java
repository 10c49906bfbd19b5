package io.tessera.sandbox.model;

/**
 * A hugetlb limit (CRI HugepageLimit).
 *
 * @param pageSize as CRI writes it, e.g. "2MB", "1GB"
 * @param limit bytes
 */
public record HugepageLimit(String pageSize, long limit) {
  public HugepageLimit {
    Checks.nonEmpty(pageSize, "hugepage size");
    Checks.nonNegative(limit, "hugepage limit for " + pageSize);
  }
}
