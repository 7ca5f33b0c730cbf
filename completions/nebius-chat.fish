function __nebius-chat_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __nebius-chat_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __nebius-chat_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __nebius-chat_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __nebius-chat_parse_tokens -S
    set -l unparsed_tokens (__nebius-chat_tokens -pc)
    switch $unparsed_tokens[1]
    case 'nebius-chat'
        __nebius-chat_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'chat'
            __nebius-chat_parse_subcommand 0 'm/model=' 'system=' 'c/continue' 's/session=' 'think' 'no-think' 'max-tokens=' 'y/yes' 'version' 'h/help'
        case 'ask'
            __nebius-chat_parse_subcommand -r 1 'm/model=' 'system=' 'image=+' 'file=+' 'max-tokens=' 'no-stream' 'json' 'think' 'no-think' 'tools' 'y/yes' 'version' 'h/help'
        case 'serve'
            __nebius-chat_parse_subcommand 0 'host=' 'p/port=' 'log-level=' 'allow-unauthenticated' 'version' 'h/help'
        case 'claude'
            __nebius-chat_parse_subcommand -r 1 'claude-path=' 'version' 'h/help'
        case 'models'
            __nebius-chat_parse_subcommand 0 'json' 'version' 'h/help'
        case 'help'
            __nebius-chat_parse_subcommand -r 1 'version'
        end
    end
end

function __nebius-chat_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __nebius-chat_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __nebius-chat_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __nebius-chat_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__nebius-chat_tokens -p)
    if test -z "$(__nebius-chat_tokens -t)"
        set -l index (count (__nebius-chat_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'nebius-chat' -f
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat" version' -l 'version' -d 'Show the version.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_positional "nebius-chat" -eq 1' -fa 'chat' -d 'Chat interactively (the default when no subcommand is given).'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_positional "nebius-chat" -eq 1' -fa 'ask' -d 'Ask one question and print the answer (for scripts and pipes).'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_positional "nebius-chat" -eq 1' -fa 'serve' -d 'Serve the Claude Messages API, backed by Nebius models (for Claude Code and Anthropic SDKs).'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_positional "nebius-chat" -eq 1' -fa 'claude' -d 'Run Claude Code on Nebius models: serve in-process, then claude with the environment set.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_positional "nebius-chat" -eq 1' -fa 'models' -d 'List the models of the upstream catalogue: id, role, vision, context length, price.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_positional "nebius-chat" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat chat" m model' -l 'model' -s 'm' -d 'The model to talk to (default: BIG_MODEL, or a resumed conversation\'s model).' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat chat" system' -l 'system' -d 'A system prompt for the conversation.' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat chat" c continue' -s 'c' -l 'continue' -d 'Continue the most recent conversation.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat chat" s session' -l 'session' -s 's' -d 'Continue (or start) the conversation saved under this name.' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat chat" think' -l 'think' -d 'Show the model\'s reasoning, dimmed (/think changes it).'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat chat" no-think' -l 'no-think' -d 'Show the model\'s reasoning, dimmed (/think changes it).'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat chat" max-tokens' -l 'max-tokens' -d 'Upper limit for the tokens of each answer (default: the upstream\'s).' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat chat" y yes' -s 'y' -l 'yes' -d 'Run MCP tool calls without asking (as /tools auto does).'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat chat" version' -l 'version' -d 'Show the version.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat chat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" m model' -l 'model' -s 'm' -d 'The model (default: BIG_MODEL; with an image: VISION_MODEL).' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" system' -l 'system' -d 'A system prompt.' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask"' -l 'image' -d 'Attach an image (png, jpeg, gif, webp); repeat for several.' -rfa '(set -l exts \'png\' \'jpg\' \'jpeg\' \'gif\' \'webp\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask"' -l 'file' -d 'Attach a text file or a PDF (at most 1 MiB of text or 32 MiB of PDF); repeat for several.' -rF
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" max-tokens' -l 'max-tokens' -d 'Upper limit for the answer\'s tokens (default: the upstream\'s).' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" no-stream' -l 'no-stream' -d 'Print the answer only when it is complete.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" json' -l 'json' -d 'Print the final message as Claude-format JSON (id, model, content, stop_reason, usage).'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" think' -l 'think' -d 'Show the model\'s reasoning on stderr.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" no-think' -l 'no-think' -d 'Show the model\'s reasoning on stderr.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" tools' -l 'tools' -d 'Offer the tools of the MCP servers in mcp.json and ./.mcp.json (calls and results on stderr).'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" y yes' -s 'y' -l 'yes' -d 'With --tools: run tool calls without asking (needed when stdin is not a terminal).'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" version' -l 'version' -d 'Show the version.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat ask" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat serve" host' -l 'host' -d 'Address to listen on (HOST; default 127.0.0.1).' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat serve" p port' -l 'port' -s 'p' -d 'Port to listen on (PORT; default 8083, 0 picks a free one).' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat serve" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error (LOG_LEVEL; default info).' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat serve" allow-unauthenticated' -l 'allow-unauthenticated' -d 'Listen on a non-loopback address even though ANTHROPIC_API_KEY is not set.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat serve" version' -l 'version' -d 'Show the version.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat claude" claude-path' -l 'claude-path' -d 'The Claude Code program (default: `claude` on PATH).' -rfka ''
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat claude" version' -l 'version' -d 'Show the version.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat claude" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat models" json' -l 'json' -d 'Print JSON: [{id, roles, vision (null: unknown), context_length, input_usd_per_million_tokens, output_usd_per_million_tokens, status}].'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat models" version' -l 'version' -d 'Show the version.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat models" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'nebius-chat' -n '__nebius-chat_should_offer_completions_for_flags_or_options "nebius-chat help" version' -l 'version' -d 'Show the version.'
