# Convenience targets; the scripts are the source of truth (they also work where make is absent).
.PHONY: run test build format clean bench

run:
	scripts/run.sh

test:
	scripts/test.sh

build:
	mvn -B -q -DskipTests package

# Side-by-side benchmark against containerd (issue 8); QUICK=1 runs the ~5-minute subset.
bench:
	QUICK=$(QUICK) scripts/bench.sh

format:
	mvn -B -q spotless:apply

clean:
	mvn -B -q clean
