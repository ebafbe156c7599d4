# Sourced by ./ttx and ./run-tests: make .venv hold exactly the pinned dependencies.
# Re-installs only when pyproject.toml or constraints.txt changed since the last time.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.installed"
want="$(cat "$root/pyproject.toml" "$root/constraints.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python="${PYTHON:-python3}"
  echo "Setting up $venv (first run, or dependencies changed)..." >&2
  "$python" -m venv "$venv"
  log="$venv/install.log"
  if ! { "$venv/bin/python" -m pip install --disable-pip-version-check --upgrade "pip>=24" &&
         "$venv/bin/python" -m pip install --disable-pip-version-check \
           -c "$root/constraints.txt" -e "$root[test]"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "Setting up $venv failed (the log is above and in $log)." >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
