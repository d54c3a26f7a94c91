//! `roam cue eval|export|vet|def`: the evaluator's front end, with the
//! behaviour and exit codes of upstream `cue` for the same inputs.

use clap::{Args, ValueEnum};
use roam_cue::eval::{Instance, PrintOptions, Program, VId};
use std::io::{Read, Write};
use std::process::ExitCode;

#[derive(Args)]
pub struct EvalArgs {
    /// CUE files of one package (`-` for standard input).
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Evaluate this expression (in the scope of the package) instead of the whole value.
    #[arg(short = 'e', long = "expression")]
    pub expr: Vec<String>,
    /// Output format.
    #[arg(long = "out")]
    pub out: Option<Out>,
    /// Require every value to be concrete (eval, vet).
    #[arg(short = 'c', long = "concrete")]
    pub concrete: bool,
    /// Show optional fields (eval).
    #[arg(short = 'O', long = "show-optional")]
    pub optional: bool,
    /// Show hidden fields (eval).
    #[arg(short = 'H', long = "show-hidden")]
    pub hidden: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Out {
    Json,
    Yaml,
    Cue,
    Text,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Eval,
    Export,
    Vet,
    Def,
}

const EXPR_FIELD: &str = "roam_expression_";

/// Named sources, and the name of the synthesized expression file if any.
type Loaded = (Vec<(String, String)>, Option<String>);

fn load(files: &[String], exprs: &[String]) -> Result<Loaded, String> {
    let mut sources = Vec::new();
    let mut package = None;
    for path in files {
        let text = if path == "-" {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| format!("reading standard input: {e}"))?;
            s
        } else {
            std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?
        };
        if package.is_none() {
            let parsed = roam_cue::syntax::parse_str(path, &text);
            package = parsed.value.package().map(|p| p.name.clone());
        }
        let name = if path == "-" {
            "<stdin>".to_string()
        } else {
            path.clone()
        };
        sources.push((name, text));
    }
    let mut expr_file = None;
    if !exprs.is_empty() {
        let mut text = String::new();
        if let Some(p) = &package {
            text.push_str(&format!("package {p}\n"));
        }
        for (i, e) in exprs.iter().enumerate() {
            text.push_str(&format!("{EXPR_FIELD}{i}: ({e})\n"));
        }
        expr_file = Some("<expression>".to_string());
        sources.push(("<expression>".to_string(), text));
    }
    Ok((sources, expr_file))
}

pub fn run(mode: Mode, args: EvalArgs) -> Result<ExitCode, String> {
    let (sources, expr_file) = load(&args.files, &args.expr)?;
    let refs: Vec<(&str, &str)> = sources
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let compiled = match expr_file {
        // Identifiers of `-e` expressions name fields of the evaluated
        // value, including those comprehensions make.
        Some(_) => Program::compile_with_lookup(&refs, refs.len() - 1),
        None => Program::compile(&refs),
    };
    let prog = match compiled {
        Ok(p) => p,
        Err(e) => {
            eprint!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut inst = prog.instance();
    if let Some(n) = std::env::var("ROAM_CUE_MAX_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        inst.max_steps = n;
    }
    let mut targets: Vec<VId> = Vec::new();
    if args.expr.is_empty() {
        inst.eval(inst.root);
        targets.push(inst.root);
    } else {
        for i in 0..args.expr.len() {
            let name = format!("{EXPR_FIELD}{i}");
            match inst.lookup(&[name.as_str()]) {
                Some(v) => targets.push(v),
                None => return Err(format!("expression {} did not evaluate", args.expr[i])),
            }
        }
    }
    let out = args.out.unwrap_or(match mode {
        Mode::Export => Out::Json,
        _ => Out::Cue,
    });
    let mut stdout = std::io::stdout().lock();
    let mut failed = false;
    for (i, &t) in targets.iter().enumerate() {
        match mode {
            Mode::Vet => {
                let r = if args.concrete {
                    inst.validate_concrete(t)
                } else {
                    inst.validate(t)
                };
                if let Err(e) = r {
                    eprintln!("{e}");
                    failed = true;
                }
            }
            Mode::Eval | Mode::Def => {
                if args.concrete
                    && let Err(e) = inst.validate_concrete(t)
                {
                    eprintln!("{e}");
                    failed = true;
                    continue;
                }
                if let Err(e) = inst.validate(t) {
                    eprintln!("{e}");
                    failed = true;
                    continue;
                }
                let opts = PrintOptions {
                    defaults: mode == Mode::Eval,
                    hidden: args.hidden,
                    optional: args.optional || mode == Mode::Def,
                    definitions: true,
                    errors: true,
                };
                match out {
                    Out::Json | Out::Yaml => match export(&mut inst, t, out) {
                        Ok(s) => {
                            let _ = stdout.write_all(s.as_bytes());
                        }
                        Err(e) => {
                            eprintln!("{e}");
                            failed = true;
                        }
                    },
                    _ => {
                        let s = inst.print_cue(t, opts);
                        let _ = stdout.write_all(s.as_bytes());
                    }
                }
            }
            Mode::Export => match export(&mut inst, t, out) {
                Ok(s) => {
                    if i > 0 && out == Out::Yaml {
                        let _ = stdout.write_all(b"---\n");
                    }
                    let _ = stdout.write_all(s.as_bytes());
                }
                Err(e) => {
                    eprintln!("{e}");
                    failed = true;
                }
            },
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn export(inst: &mut Instance<'_>, t: VId, out: Out) -> Result<String, String> {
    match out {
        Out::Json => inst
            .export_json(t, true)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| e.to_string()),
        Out::Yaml => {
            let v = inst.export_val(t).map_err(|e| e.to_string())?;
            roam_cue::stdlib::yaml::marshal_yaml(&v).map_err(|e| format!("{e:?}"))
        }
        Out::Text => {
            let v = inst.export_val(t).map_err(|e| e.to_string())?;
            match v {
                roam_cue::stdlib::Val::Str(s) => Ok(format!("{s}\n")),
                roam_cue::stdlib::Val::Num(n) => Ok(format!("{}\n", n.to_json_string())),
                roam_cue::stdlib::Val::Bool(b) => Ok(format!("{b}\n")),
                _ => Err("text output requires a string, number or bool".into()),
            }
        }
        Out::Cue => {
            inst.validate_concrete(t).map_err(|e| e.to_string())?;
            Ok(inst.print_cue(t, PrintOptions::default()))
        }
    }
}
