"""Model files as docs/model-format.md describes them, read by the independent reader that
page offers (Tests/ModelFormat/read_vaem.py, numpy only, which still runs on its own:
`python3 Tests/ModelFormat/read_vaem.py MODEL [BINARY]`): its check groups as tests, on
both models the suite serves. Each test fails naming every check of its group that failed."""
import os, sys

import pytest

from support import ROOT

sys.path.insert(0, os.path.join(ROOT, "Tests", "ModelFormat"))
import read_vaem  # noqa: E402


def passes(checks):
    """Every (name, ok, detail) of a group holds; there is at least one."""
    checks = list(checks)
    failed = [f"{name}: {detail}" if detail else name for name, ok, detail in checks if not ok]
    assert checks and not failed, "\n".join(failed)


@pytest.fixture(scope="module", params=["model", "second_model"])
def path(request):
    return os.path.join(ROOT, request.getfixturevalue(request.param))


@pytest.fixture(scope="module")
def vaem(path):
    """The file read and unpacked; a file the reader cannot read fails here, saying why."""
    try:
        return read_vaem.Model(path)
    except read_vaem.UNREADABLE as e:
        pytest.fail(f"{path} does not read: {type(e).__name__}: {e}")


def test_the_reader_uses_the_pages_crc_and_refuses_a_flipped_bit(path):
    passes(read_vaem.reader_checks(open(path, "rb").read()))


def test_the_file_reads_with_the_pages_magic_version_sizes_and_crc(path):
    # "magic, version 1, sizes and CRC-32 as the page describes": read() refuses otherwise.
    header, description, tensors = read_vaem.read(open(path, "rb").read())
    assert header["kind"] == "vaedyn-model" and description and tensors


def test_the_header_keys_and_the_tensor_alignment(vaem):
    passes(read_vaem.layout_checks(vaem))


def test_the_weights_unpack_into_the_documented_blocks_and_shapes(vaem):
    passes(read_vaem.weight_checks(vaem))


def test_the_description_is_structured_as_documented(vaem):
    passes(read_vaem.description_checks(vaem))


def test_the_concepts_tree_and_projection_relate_as_documented(vaem):
    passes(read_vaem.relation_checks(vaem))


@pytest.mark.parametrize("c", range(read_vaem.COMPARED))
def test_a_numpy_forward_pass_agrees_with_vaedyn_dynamics(vaem, binary, c):
    assert vaem.weights["f"] is not None, f"activation {vaem.activation} is not one the page names"
    if c not in read_vaem.compared_classes(vaem):
        pytest.skip(f"{vaem.path} has no exemplar of class {c} (the reader skips it too)")
    passes(read_vaem.forward_checks(vaem, binary, c))
