# FaceAtlas: the two commands a user needs (see README.md).
.PHONY: demo test build bench clean

demo:
	scripts/bootstrap
	swift build -c release
	scripts/demo

test:
	BOOTSTRAP_SKIP_MODEL=0 scripts/bootstrap
	swift test

build:
	swift build -c release

bench:
	swift build -c release
	.build/release/faceatlas bench fit --json

clean:
	rm -rf .build Templates/build Exports/*
