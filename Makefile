# Convenience targets; the scripts are the source of truth (they also work where make is absent).
.PHONY: run test build format clean

run:
	scripts/run.sh

test:
	scripts/test.sh

build:
	mvn -B -q -DskipTests package

format:
	mvn -B -q spotless:apply

clean:
	mvn -B -q clean
