"""The mosaic workload command: JSON, table, one-line errors."""

import json


def test_json_one_job(mosaic):
    out = mosaic("workload", "--job", "llama3-70b", "--gpus", "16384", "--json")
    assert out.returncode == 0, out.stderr
    (summary,) = json.loads(out.stdout)
    assert summary["gpus"] == 16_384
    assert [r["technology"] for r in summary["rows"]] == ["copper", "aoc", "dr8", "lpo", "cpo", "mosaic"]
    assert {g["over"] for g in summary["mosaic_gain"]} == {"copper", "aoc", "dr8", "lpo", "cpo"}


def test_hostile_job_file_is_one_line(mosaic, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('model = "llama3-70b"\ngpu = "gb200"\ngpus = 100\n[parallel]\ntensor = 8\nglobal_batch = 8\n')
    out = mosaic("workload", "--job", str(bad))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "must divide gpus = 100" in out.stderr
    zero = tmp_path / "zero.toml"
    zero.write_text(
        'gpu = "gb200"\ngpus = 8\n[parallel]\nglobal_batch = 8\n[model]\nname = "x"\nparameters = 1e30\n'
        'layers = 0\nhidden = 4096\nheads = 32\nkv_heads = 8\nsequence_length = 4096\nvocab = 32000\nsource = "none"\n'
    )
    out = mosaic("workload", "--job", str(zero))
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0


def test_bad_options(mosaic):
    for args in (("--gpus", "0"), ("--gpus", "-5"), ("--job", "nope")):
        out = mosaic("workload", *args)
        assert out.returncode == 2 and out.stderr.strip().count("\n") == 0, args


def test_inference_json(mosaic):
    out = mosaic("workload", "--inference", "inference-llama3-70b", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["hbm_only_batch"] > 0 and {r["technology"] for r in data["rows"]} >= {"mosaic", "dr8"}
    out = mosaic("workload", "--inference", "inference-llama3-70b", "--gpus", "8")
    assert out.returncode == 2 and "give it alone" in out.stderr
