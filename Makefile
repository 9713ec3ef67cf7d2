# Sova: two commands on a fresh machine.
#   make run   - install everything Sova needs, then open the window
#   make test  - the same setup, then the whole test suite (GUI tests offscreen)
#   make test-slow - the full SIGKILL soak of the core and the full training runs, 0.5B and 1.5B (~70 min)
# Every step is guarded by a stamp or a check, so a second run rebuilds nothing.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
# The package registries drop connections mid-download now and then (a 175 MB Qt wheel
# stalled at 46 MB and failed the whole setup): pip retries and resumes, and each
# install is tried three times, a pause apart, before setup gives up.
EXTRAS := .[models,dev,training]
PIP_NET := --retries 10 --timeout 60
PIP_INSTALL = for attempt in 1 2 3; do $(PIP) install $(PIP_NET) $(1) && break; \
	if [ $$attempt = 3 ]; then exit 1; fi; \
	echo "pip install failed (attempt $$attempt of 3), retrying in 20 s..."; sleep 20; done
LLAMA_VERSION := 0.3.36
TORCH_VERSION := 2.13.0
# Portable llama.cpp build: the native build segfaults in llama_decode on CPUs with
# AVX-512/AMX (weight repacking); the portable one is also what installers ship.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
WHEELHOUSE := $(HOME)/.cache/sova/wheels/llama-portable
APT_PACKAGES := xvfb xauth libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 \
	libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
	libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xfixes0 libxcb-xkb1 \
	libdbus-1-3 libfontconfig1 fonts-dejavu-core fonts-noto-color-emoji libpulse0 libpulse-mainloop-glib0 \
	pulseaudio pulseaudio-utils tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng tesseract-ocr-osd \
	poppler-utils xdg-utils cmake build-essential
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-slow setup system venv deps testdata translations selftest bench clean-venv

run: setup
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "No display found: starting Sova on a virtual screen (Xvfb)."; \
		xvfb-run -a -s "-screen 0 1280x800x24" $(PY) -m app; \
	else $(PY) -m app; fi

test: setup testdata
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests -p no:randomly --durations=25 $(PYTEST_ARGS)

# The full SIGKILL soak (50 kills of the app at random moments, ~20 min) and learning
# from ratings with the default 1.5B model (~35 min); `make test` runs a short soak and
# the 0.5B model's training.
test-slow: setup testdata
	SOVA_SOAK_ITERATIONS=50 $(PY) -m pytest tests/integration/test_soak.py -p no:randomly -s $(PYTEST_ARGS)
	SOVA_FINETUNE_FULL=1 $(PY) -m pytest tests/integration/test_finetune_real.py -p no:randomly -s $(PYTEST_ARGS)
	SOVA_FINETUNE_FULL=1 SOVA_FINETUNE_MODEL=qwen2.5-coder-1.5b $(PY) -m pytest tests/integration/test_finetune_real.py -p no:randomly -s $(PYTEST_ARGS)

setup: system deps translations

system:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		echo "Installing Debian packages..."; \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $(APT_PACKAGES); \
	fi

$(PY):
	$(PYTHON) -m venv $(VENV)
	@$(call PIP_INSTALL,-q --upgrade pip wheel setuptools)

venv: $(PY)

$(VENV)/.torch: | $(PY)
	@$(call PIP_INSTALL,-q --resume-retries 20 torch==$(TORCH_VERSION))
	@touch $@

$(VENV)/.llama: | $(PY)
	@if ! ls $(WHEELHOUSE)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1; then \
		echo "Building llama-cpp-python $(LLAMA_VERSION) (portable CPU build, ~5 min)..."; \
		mkdir -p $(WHEELHOUSE) && \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
		$(PIP) wheel --no-deps --no-cache-dir -w $(WHEELHOUSE) llama-cpp-python==$(LLAMA_VERSION); \
	fi
	@$(call PIP_INSTALL,-q $(WHEELHOUSE)/llama_cpp_python-$(LLAMA_VERSION)-*.whl)
	@touch $@

$(VENV)/.deps: pyproject.toml $(VENV)/.torch $(VENV)/.llama
	@$(call PIP_INSTALL,-q --resume-retries 20 -e "$(EXTRAS)")
	@touch $@

deps: $(VENV)/.deps

translations: $(VENV)/.deps
	@$(PY) -m app.ui.i18n_build

testdata: $(VENV)/.deps
	@bash tests/data/fetch.sh

selftest: setup
	$(PY) -m app selftest

bench: setup testdata
	@for b in tests/benchmarks/bench_*.py; do echo "== $$b"; QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done

clean-venv:
	rm -rf $(VENV)
