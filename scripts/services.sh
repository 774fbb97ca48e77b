# Shared by the test and bench scripts: Debian packages and a throwaway PostgreSQL 15.
PG_BIN=/usr/lib/postgresql/15/bin

ensure_debian_packages() {
    local missing=()
    [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
    [ -x /usr/bin/wrk ] || missing+=(wrk)  # bench/bench_web.py's load generator
    # 执法文书: docx → PDF (sanxiang/documents/render.py) and pdftotext in tests/documents/,
    # without recommends (LibreOffice's would pull in Java and desktop integration).
    local lean=()
    [ -x /usr/bin/soffice ] || lean+=(libreoffice-writer-nogui)
    [ -x /usr/bin/pdftotext ] || lean+=(poppler-utils)
    [ ${#missing[@]} -eq 0 ] && [ ${#lean[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "缺少 Debian 软件包：${missing[*]} ${lean[*]}（请以 root 安装）" >&2
        return 1
    fi
    apt-get update -qq
    [ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    [ ${#lean[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${lean[@]}" >/dev/null
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
    local dir=$1/pg
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    PG_PORT=$(free_port)
    as_pg "$PG_BIN/initdb" -D "$dir/data" -A trust -U sanxiang -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $dir -c fsync=off" \
        -l "$dir/log" -w start >/dev/null
    PG_URL="postgres://sanxiang@127.0.0.1:$PG_PORT/postgres"
    export PG_URL PG_PORT
}

stop_postgres() {
    local dir=$1/pg
    [ -d "$dir/data" ] && as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
}
