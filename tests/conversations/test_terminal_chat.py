"""`razem chat` replays a script from standard input, and the staff queue shows the case."""

from __future__ import annotations

from pathlib import Path

from tests.support.razem_cli import razem


def test_a_scripted_conversation_reaches_the_partner_queue(
    tmp_path: Path, model_path: Path
) -> None:
    env = {"RAZEM_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}", "RAZEM_NLU_MODEL_PATH": str(model_path),
           "RAZEM_LOG_LEVEL": "ERROR"}  # fmt: skip
    assert razem("db", "upgrade", env=env).returncode == 0
    assert razem("seed", env=env).returncode == 0
    script = "\n".join([
        "Dobryi den, robotodavets ne platyt meni zarplatu vzhe dva misiatsi, shcho robyty?",
        "1",  # Українська
        "1",  # I agree
        "1",  # Yes, that's it (or: No, I'd like to talk to someone, after an FAQ answer)
        "1",  # Lublin
        "mii telefon 600 000 000",
        "/cases",
    ]) + "\n"  # fmt: skip
    result = razem("chat", "--as", "olena", "--lang", "uk", input=script, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] Українська" in out and "> 1" in out  # numbered buttons, echoed script
    assert "Homo Faber" in out and "L-1001" in out
    assert "Очікує на працівника".lower() in out.lower() or "L-1001:" in out

    queue = razem("chat", "--staff", "homo-faber", env=env)
    assert queue.returncode == 0, queue.stderr
    assert "L-1001" in queue.stdout and "legal/legal_work" in queue.stdout and "uk" in queue.stdout
    assert "zarplatu" in queue.stdout  # the person's own words reach the staff
    assert "olena" not in queue.stdout  # pseudonymous
    unknown = razem("chat", "--staff", "nobody", env=env)
    assert unknown.returncode == 2 and "no partner 'nobody'" in unknown.stderr
