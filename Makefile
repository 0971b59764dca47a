# The two commands of the README:
#   make run    build everything and start the virtual meter (default configuration)
#   make test   build and run the whole test suite (as CI does)
# Other targets: build, bench, fuzz, cross, clean.
BUILD := build
JOBS ?= $(shell nproc)
ARGS ?=

.PHONY: all deps build run test bench fuzz cross clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD)/gcc -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc >/dev/null
	@cmake --build $(BUILD)/gcc -j $(JOBS)

run: build
	./$(BUILD)/gcc/polyphase run $(ARGS)

test: deps
	@bash scripts/test-all.sh

bench: build
	@bash scripts/bench-all.sh $(BUILD)/gcc

fuzz: deps
	@bash scripts/fuzz.sh $(BUILD)/fuzz 60

cross: deps
	@cmake -S . -B $(BUILD)/cortex-m -G Ninja -DPP_CROSS=ON -DCMAKE_BUILD_TYPE=MinSizeRel \
	  -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake >/dev/null
	@cmake --build $(BUILD)/cortex-m -j $(JOBS)

clean:
	rm -rf $(BUILD)
