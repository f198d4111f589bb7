"""Two live nodes: a licence issued in Sichuan is verified from Chongqing ("异地同标")."""

from __future__ import annotations

import json

import httpx
from stdnum.cn import uscc as stdnum_uscc

from chuanyu.registry.demo import sample_application
from tests.support.nodes import LiveFederation


def verify_from_cq(live: LiveFederation, **params: str) -> dict[str, object]:
    response = httpx.get(f"{live.cq.url}/api/registry/verify", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_licence_issued_in_sc_is_verified_from_cq(live_nodes: LiveFederation) -> None:
    sc = live_nodes.sc
    body = {
        "application": sample_application(
            "SC", name="成都天府异地核验科技有限公司", seed=21
        ).model_dump(mode="json"),
        "case_number": None,
    }
    issued = httpx.post(
        f"{sc.url}/api/registry/licences", json=body, headers=sc.headers("registrar"), timeout=30
    )
    assert issued.status_code == 201, issued.text
    lic = issued.json()
    code, payload = lic["uscc"], lic["qr_payload"]
    assert code[2:4] == "51"

    by_code = verify_from_cq(live_nodes, uscc=code)
    assert by_code["outcome"] == "valid" and by_code["checked_by"] == ["SC", "CQ"]
    assert by_code["facts"]["name"] == "成都天府异地核验科技有限公司"  # type: ignore[index]
    assert verify_from_cq(live_nodes, payload=payload)["outcome"] == "valid"

    # The CQ window prints the SC licence for the applicant from the verified answer.
    clerk = live_nodes.cq.headers("window_clerk")
    fetched = httpx.get(
        f"{live_nodes.cq.url}/api/registry/licences/{code}", headers=clerk, timeout=30
    ).json()
    assert fetched["digest"] == lic["digest"] and fetched["issuer_member"] == "SC"
    pdf = httpx.get(
        f"{live_nodes.cq.url}/api/registry/licences/{code}/pdf", headers=clerk, timeout=60
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # An altered QR payload: another digest under the genuine signature.
    parts = payload.split("|")
    parts[3] = ("0" if parts[3][0] != "0" else "1") + parts[3][1:]
    assert verify_from_cq(live_nodes, payload="|".join(parts))["outcome"] == "forged"

    unknown = code[:12] + ("9" if code[12] != "9" else "8") + code[13:17]
    unknown += stdnum_uscc.calc_check_digit(unknown)
    assert verify_from_cq(live_nodes, uscc=unknown)["outcome"] == "unknown"

    # The other region's window can check a name in SC before taking an application in.
    taken = httpx.post(
        f"{live_nodes.cq.url}/api/registry/name-check",
        params={"region": "SC"},
        json={"name": "成都天府异地核验科技有限公司"},
        headers=live_nodes.cq.headers("window_clerk"),
        timeout=30,
    ).json()
    assert taken["available"] is False and taken["holder_uscc"] == code

    revoked = httpx.post(
        f"{sc.url}/api/registry/licences/{code}/revoke",
        json={"reason": "以欺骗手段取得登记"},
        headers=sc.headers("registrar"),
        timeout=30,
    )
    assert revoked.status_code == 200, revoked.text
    assert verify_from_cq(live_nodes, uscc=code)["outcome"] == "revoked"
    assert verify_from_cq(live_nodes, payload=payload)["outcome"] == "revoked"
    assert verify_from_cq(live_nodes, payload="|".join(parts))["outcome"] == "forged"
    # The CLI on the CQ node runs the same verification through the exchange.
    failed = live_nodes.cq.cli("registry", "verify", "--uscc", code, "--json", check=False)
    assert failed.returncode == 1 and json.loads(failed.stdout)["outcome"] == "revoked"
