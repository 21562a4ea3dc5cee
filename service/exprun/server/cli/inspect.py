"""`exprun experiments ...` and `exprun runs ...` (list, show, compare): look at stored runs from a terminal.

These commands are clients like any other: they go through `exprun.client` over gRPC, so they
work the same against a laptop's embedded store and a server in front of Vertex AI. Tables are
for people; `--json` is for scripts.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from exprun.client import Experiment, ExperimentRun, ExprunError, init
from exprun.client._limits import DEFAULT_TARGET

# The server's project-ID rule wants 6-30 characters, so the local default is not just "local".
DEFAULT_PROJECT = "local-project"
DEFAULT_LOCATION = "us-central1"

Handler = Callable[[argparse.Namespace], int]


def register(commands: Any) -> None:
    """Adds `experiments` and `runs` to the `exprun` command's sub-parsers."""
    connection = argparse.ArgumentParser(add_help=False)
    connection.add_argument(
        "--target",
        default=os.environ.get("EXPRUN_TARGET", DEFAULT_TARGET),
        help="server host:port (default: $EXPRUN_TARGET or %(default)s)",
    )
    connection.add_argument(
        "--project",
        default=os.environ.get("EXPRUN_PROJECT", DEFAULT_PROJECT),
        help="project ID (default: $EXPRUN_PROJECT or %(default)s)",
    )
    connection.add_argument(
        "--location",
        default=os.environ.get("EXPRUN_LOCATION", DEFAULT_LOCATION),
        help="location (default: $EXPRUN_LOCATION or %(default)s)",
    )
    connection.add_argument(
        "--token",
        default=os.environ.get("EXPRUN_TOKEN"),
        help="bearer token sent to the server (default: $EXPRUN_TOKEN)",
    )
    connection.add_argument("--json", action="store_true", help="print JSON instead of a table")
    experiment_option = argparse.ArgumentParser(add_help=False)
    experiment_option.add_argument(
        "--experiment",
        default=os.environ.get("EXPRUN_EXPERIMENT"),
        help="experiment ID (default: $EXPRUN_EXPERIMENT)",
    )

    experiments = commands.add_parser("experiments", help="look at experiments")
    experiment_commands = experiments.add_subparsers(
        dest="experiments_command", required=True, metavar="COMMAND"
    )
    listing = experiment_commands.add_parser("list", parents=[connection], help="list experiments")
    listing.set_defaults(handler=_guarded(_experiments_list))

    runs = commands.add_parser("runs", help="look at runs")
    run_commands = runs.add_subparsers(dest="runs_command", required=True, metavar="COMMAND")
    run_listing = run_commands.add_parser(
        "list", parents=[connection, experiment_option], help="list the runs of an experiment"
    )
    run_listing.set_defaults(handler=_guarded(_runs_list))
    show = run_commands.add_parser(
        "show",
        parents=[connection, experiment_option],
        help="show a run: state, params, metrics and time series",
    )
    show.add_argument("run", help="run ID, or its full name projects/.../experiments/E/runs/R")
    show.set_defaults(handler=_guarded(_runs_show))
    compare = run_commands.add_parser(
        "compare",
        parents=[connection, experiment_option],
        help="params and summary metrics of runs side by side",
    )
    compare.add_argument("runs", nargs="+", metavar="RUN", help="run IDs, or full names projects/.../runs/R")
    compare.set_defaults(handler=_guarded(_runs_compare))


def _guarded(handler: Handler) -> Handler:
    """One clear line on stderr and exit status 1 instead of a traceback."""

    def run(args: argparse.Namespace) -> int:
        init(target=args.target, project=args.project, location=args.location, token=args.token)
        try:
            return handler(args)
        except (ExprunError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1

    return run


# -- commands ------------------------------------------------------------------------------------
def _experiments_list(args: argparse.Namespace) -> int:
    experiments = Experiment.list(project=args.project, location=args.location)
    if args.json:
        _print_json([_experiment_json(e) for e in experiments])
        return 0
    rows = [
        [e.name, _time(e.create_time), e.backing_tensorboard_resource_name or "-", e.description or "-"]
        for e in experiments
    ]
    _print_table(
        ["EXPERIMENT", "CREATED", "BACKING TENSORBOARD", "DESCRIPTION"], rows, empty="no experiments"
    )
    return 0


def _runs_list(args: argparse.Namespace) -> int:
    experiment = _required_experiment(args)
    runs = ExperimentRun.list(experiment, project=args.project, location=args.location)
    if args.json:
        _print_json([_run_json(r) for r in runs])
        return 0
    rows = [
        [r.name, r.state.name, _time(r.create_time), _time(r.update_time), str(len(r.time_series_metrics))]
        for r in runs
    ]
    _print_table(["RUN", "STATE", "CREATED", "UPDATED", "TIME SERIES"], rows, empty="no runs")
    return 0


def _runs_show(args: argparse.Namespace) -> int:
    experiment = None if args.run.startswith("projects/") else _required_experiment(args)
    run = ExperimentRun(args.run, experiment, project=args.project, location=args.location)
    params, metrics = run.get_params(), run.get_metrics()
    series: list[dict[str, Any]] = [
        {
            "metric": data.metric,
            "points": len(data),
            "last_step": data.steps[-1] if data.steps else None,
            "last_value": data.values[-1] if data.values else None,
        }
        for data in run.read_time_series().values()
    ]
    if args.json:
        _print_json({**_run_json(run), "params": params, "metrics": metrics, "time_series": series})
        return 0
    _print_table(
        [],
        [
            ["Run:", run.name],
            ["Name:", run.exprun_name],
            ["Experiment:", run.experiment],
            ["State:", run.state.name],
            ["Created:", _time(run.create_time)],
            ["Updated:", _time(run.update_time)],
            ["TensorBoard run:", run.backing_tensorboard_run or "-"],
        ],
    )
    _section("Params", ["KEY", "VALUE"], _summary_rows(params), "no params")
    _section("Metrics", ["KEY", "VALUE"], _summary_rows(metrics), "no metrics")
    _section(
        "Time series",
        ["METRIC", "POINTS", "LAST STEP", "LAST VALUE"],
        [[_text(s[key]) for key in ("metric", "points", "last_step", "last_value")] for s in series],
        "no time series",
    )
    return 0


def _runs_compare(args: argparse.Namespace) -> int:
    """One column per run, one row per key: a key a run lacks shows as "-"."""
    needs_experiment = any(not name.startswith("projects/") for name in args.runs)
    experiment = _required_experiment(args) if needs_experiment else None
    runs = [
        ExperimentRun(name, experiment, project=args.project, location=args.location) for name in args.runs
    ]
    params = [run.get_params() for run in runs]
    metrics = [run.get_metrics() for run in runs]
    if args.json:
        _print_json(
            {
                "runs": [run.exprun_name for run in runs],
                "params": _side_by_side(params),
                "metrics": _side_by_side(metrics),
            }
        )
        return 0
    header = ["", *(run.name for run in runs)]
    _print_table(header, [["state", *(run.state.name for run in runs)]])
    _section("Params", ["KEY", *header[1:]], _compare_rows(params), "no params")
    _section("Metrics", ["KEY", *header[1:]], _compare_rows(metrics), "no metrics")
    return 0


def _side_by_side(values: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Each key's values, one a run in the order given (None where a run lacks the key)."""
    keys = sorted({key for mapping in values for key in mapping})
    return {key: [mapping.get(key) for mapping in values] for key in keys}


def _compare_rows(values: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    keys = sorted({key for mapping in values for key in mapping})
    return [[key, *(_text(mapping.get(key)) for mapping in values)] for key in keys]


# -- helpers -------------------------------------------------------------------------------------
def _required_experiment(args: argparse.Namespace) -> str:
    if not args.experiment:
        raise ValueError("--experiment is required (or set EXPRUN_EXPERIMENT)")
    experiment: str = args.experiment
    return experiment


def _experiment_json(experiment: Experiment) -> dict[str, Any]:
    return {
        "name": experiment.exprun_name,
        "experiment_id": experiment.name,
        "description": experiment.description,
        "backing_tensorboard": experiment.backing_tensorboard_resource_name,
        "metadata_context": experiment.resource_name,
        "create_time": _iso(experiment.create_time),
        "update_time": _iso(experiment.update_time),
    }


def _run_json(run: ExperimentRun) -> dict[str, Any]:
    return {
        "name": run.exprun_name,
        "run_id": run.name,
        "experiment_id": run.experiment,
        "state": run.state.name,
        "metadata_context": run.resource_name,
        "backing_tensorboard_run": run.backing_tensorboard_run,
        "time_series_metrics": run.time_series_metrics,
        "create_time": _iso(run.create_time),
        "update_time": _iso(run.update_time),
    }


def _summary_rows(values: Mapping[str, Any]) -> list[list[str]]:
    return [[key, _text(values[key])] for key in sorted(values)]


def _text(value: Any) -> str:
    if value is None:
        return "-"
    return str(value)


def _time(moment: datetime.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment else "-"


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2))


def _section(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> None:
    print()
    print(title)
    _print_table(header, rows, empty=empty, indent="  ")


def _print_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, empty: str = "", indent: str = ""
) -> None:
    """Columns padded to their widest cell; the last column is not padded (no trailing spaces)."""
    if not rows:
        if empty:
            print(f"{indent}({empty})")
        return
    table = [list(header), *map(list, rows)] if header else [list(r) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        print(indent + "  ".join([*cells, row[-1]]))
