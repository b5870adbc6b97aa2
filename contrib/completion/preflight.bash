# bash completion for preflight                       -*- shell-script -*-
# Installed as share/bash-completion/completions/preflight. The option lists
# are checked against `preflight SUBCOMMAND --help` by the test suite
# (tests/cli/completion_test.cpp): a new option goes into its list here.

_preflight() {
    local cur prev words cword
    _init_completion || return

    local commands="run cert facts list schema explain bundle"
    local top_opts="--lang --help -h --version"
    local run_opts="--checklist --site --set --service --users --servers --timeout --jobs
        --install-path --html --junit --json --nagios --prom --facts --proxy --proxy-password
        --no-proxy --ca-file --trust-store --public-roots --expiry-warn --expiry-fail --idle
        --only --skip --max-time --report-dir --quiet -q --baseline --history --history-keep
        --fail-on --junit-prefix --junit-warn --bundle --lang --help -h"
    local cert_opts="--password --profile --host --full-chain --expiry-warn --expiry-fail
        --ca-file --trust-store --html --junit --json --nagios --prom --quiet -q --max-time --lang --help -h"
    local facts_opts="--json --install-path --output -o --lang --help -h"
    local list_opts="--probes --reasons --lang --help -h"
    local schema_opts="--lang --help -h"
    local explain_opts="--checklist --lang --help -h"
    local bundle_opts="--lang --help -h"

    local command="" i
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
        run | cert | facts | list | schema | explain | bundle)
            command="${words[i]}"
            break
            ;;
        esac
    done

    case "$prev" in
    --checklist)
        COMPREPLY=($(compgen -W "acc-saas acc-onprem uem-cert-renewal eas-cert-auth" -- "$cur"))
        _filedir xml
        return
        ;;
    --site | --facts | --ca-file | --trust-store | --public-roots | --baseline | --html | \
        --junit | --json | --nagios | --prom | --output | -o)
        [[ $command == facts && $prev == --json ]] || {
            _filedir
            return
        }
        ;;
    --report-dir | --history | --install-path)
        _filedir -d
        return
        ;;
    --fail-on)
        COMPREPLY=($(compgen -W "any new" -- "$cur"))
        return
        ;;
    --lang)
        COMPREPLY=($(compgen -W "ja en" -- "$cur"))
        return
        ;;
    --profile)
        COMPREPLY=($(compgen -W "none server eas-client apns" -- "$cur"))
        return
        ;;
    --service)
        COMPREPLY=($(compgen -W "all smtp ldap exchange bes domino syslog adcs scep third-party-ca" -- "$cur"))
        return
        ;;
    --password | --proxy-password)
        COMPREPLY=($(compgen -W "env: file: prompt" -- "$cur"))
        compopt -o nospace
        return
        ;;
    --set | --users | --servers | --timeout | --jobs | --proxy | --no-proxy | --expiry-warn | \
        --expiry-fail | --idle | --only | --skip | --max-time | --history-keep | --host)
        return
        ;;
    esac

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$top_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi
    if [[ $cur == -* ]]; then
        local opts_var="${command}_opts"
        COMPREPLY=($(compgen -W "${!opts_var}" -- "$cur"))
        return
    fi
    case "$command" in
    cert) _filedir '@(pem|crt|cer|der|pfx|p12|key)' ;;
    schema) COMPREPLY=($(compgen -W "report" -- "$cur")) ;;
    list) COMPREPLY=($(compgen -W "acc-saas acc-onprem uem-cert-renewal eas-cert-auth" -- "$cur")) ;;
    esac
} &&
    complete -F _preflight preflight preflight.exe
