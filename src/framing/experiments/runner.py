def run_experiment(
    cfg: TrainConfig, overrides: list[str] | None = None, job: int | None = None
) -> Path:
    """Train and score one configuration; return its run folder.

    Data and model are checked before the folder exists, so bad input leaves nothing behind.
    A failure after that marks the folder failed and re-raises.
    """
    if cfg.task.name == "attribution_spans":
        from framing.span_bench import run_span_experiment

        return run_span_experiment(cfg, overrides, job)
    if cfg.model.family == "tagger":
        raise InputError(
            f"model=tagger labels spans: use task=attribution_spans data=polnear "
            f"(experiment=polnear_tagger), not task={cfg.task.name}"
        )
    data = load_task_data(cfg.data, cfg.task, cfg.schema)
    set_seed(cfg.seed)
    model = build_model(cfg.model, data.labels, cfg.seed, descriptions=dict(_descriptions(cfg)))
    device = str(model.device)

    with records.open_run(cfg.out_root, cfg.name, job, asdict(cfg), overrides) as run_dir:
        _fit_and_record(cfg, data, model, run_dir, device)
    return run_dir
