"""The small hand-made ledgers the tests share, and helpers to ship and inspect them.

``small_tables`` is a ledger as a clerk types it (text cells, 是/否), with two streets,
communities and a village, every actor kind and every link type over 2023–2024: the app,
privacy and access tests upload it as a zip. ``network_tables`` is a typed ledger for
tests that build a ``Network`` without the loader (graph model, stores). Test modules import
these from here, never from one another.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest


def small_tables() -> dict[str, pd.DataFrame]:
    """Two streets, three communities/villages, grids, a compound with buildings, party
    organizations and actors, people, needs, resources and links over 2023–2024."""
    places = pd.DataFrame(
        [
            ("D", "示范区", "district", None),
            ("S1", "东街道", "street", "D"),
            ("S2", "西街道", "street", "D"),
            ("C1", "幸福社区", "community", "S1"),
            ("C2", "和谐社区", "community", "S1"),
            ("V1", "李庄村", "village", "S2"),
            ("G1", "一网格", "grid", "C1"),
            ("G2", "二网格", "grid", "C1"),
            ("P1", "阳光小区", "compound", "C1"),
            ("B1", "1号楼", "building", "P1"),
            ("B2", "2号楼", "building", "P1"),
            ("G3", "三网格", "grid", "C2"),
        ],
        columns=["id", "name", "kind", "parent_id"],
    )
    conditions = pd.DataFrame(
        [
            (p, y, pop, pop // 3)
            for p, pop in (("C1", 3000), ("C2", 2000), ("V1", 800))
            for y in (2023, 2024)
        ],
        columns=["place_id", "year", "population", "households"],
    )
    orgs = pd.DataFrame(
        [
            ("O1", "幸福社区党委", "party_committee", "C1", 120),
            ("O2", "和谐社区党支部", "party_branch", "C2", 40),
            ("O3", "李庄村党支部", "party_branch", "V1", 30),
            ("O4", "一网格党小组", "party_group", "G1", 8),
            ("O5", "幸福居委会", "residents_committee", "C1", 5),
            ("O6", "阳光物业", "property_company", "C1", 2),
            ("O7", "阳光业委会", "owners_committee", "P1", 1),
            ("O8", "邻里社工", "social_org", "C1", 0),
            ("O9", "区医院", "unit", "S1", 50),
            ("O10", "红马甲志愿队", "volunteer_team", "C1", 3),
            ("O11", "东街道党工委", "party_working_committee", "S1", 20),
            ("O12", "西街道供电所", "unit", "S2", 9),
        ],
        columns=["id", "name", "kind", "place_id", "party_members"],
    )
    people = pd.DataFrame(
        [
            ("H1", "张三", "B1", "是", "building_leader"),
            ("H2", "李四", "C1", "是", "volunteer;in_service_member"),
            ("H3", "王五", "P1", "否", "volunteer"),
            ("H4", "赵六", "C2", "是", "grid_worker"),
        ],
        columns=["id", "name", "place_id", "party_member", "roles"],
    )
    matters = pd.DataFrame(
        [
            ("M1", "C1", "elderly_care", "助餐", "closed", "2024-03-01", "2024-03-01", "2024-03-05",
             "O5"),
            ("M2", "C1", "repair", "漏水", "submitted", "2024-05-01", None, None, None),
            ("M3", "C2", "legal", "咨询", "claimed", "2023-05-01", "2023-05-02", None, "O2"),
        ],
        columns=["id", "place_id", "domain", "title", "status", "submitted_at", "claimed_at",
                 "closed_at", "handler_id"],
    )  # fmt: skip
    resources = pd.DataFrame(
        [
            ("R1", "义诊", "service", "health", "O9", "S1", 5),
            ("R2", "助餐点", "venue", "elderly_care", "O8", "C1", 2),
        ],
        columns=["id", "name", "kind", "domain", "provider_id", "place_id", "capacity"],
    )
    links = pd.DataFrame(
        [
            ("O1", "O5", "LEADS"), ("O1", "O6", "LEADS"), ("O1", "O8", "LEADS"),
            ("O4", "O1", "SUBORDINATE_TO"), ("O1", "O11", "SUBORDINATE_TO"),
            ("O2", "O11", "SUBORDINATE_TO"), ("O4", "G1", "ESTABLISHED_IN"),
            ("O6", "P1", "MANAGES"), ("G1", "P1", "COVERS"), ("O8", "C1", "SERVES"),
            ("H1", "O7", "HOLDS_ROLE"), ("H2", "O10", "MEMBER_OF"), ("H2", "C1", "REPORTS_TO"),
            ("O9", "C1", "CO_BUILDS"), ("R2", "M1", "FULFILLS"), ("O5", "M1", "PARTICIPATES_IN"),
        ],
        columns=["source_id", "target_id", "type"],
    )  # fmt: skip
    links["since"] = "2022-01-01"
    return {
        "places": places,
        "conditions": conditions,
        "organizations": orgs,
        "people": people,
        "matters": matters,
        "resources": resources,
        "links": links,
    }


def network_tables() -> dict[str, pd.DataFrame]:
    """Typed tables (dates as timestamps, numbers as numbers) for building a ``Network``
    directly, without the loader: every table, optional column and edge kind, and a
    duplicate link."""
    return {
        "places": pd.DataFrame(
            [
                {"id": "D", "name": "二七区", "kind": "district"},
                {"id": "S", "name": "大学路街道", "kind": "street", "parent_id": "D"},
                {"id": "C", "name": "陇海社区", "kind": "community", "parent_id": "S", "lat": 34.7},
                {"id": "G", "name": "一网格", "kind": "grid", "parent_id": "C"},
            ]
        ),
        "conditions": pd.DataFrame(
            [
                {"place_id": "C", "year": 2023, "population": 3000, "elderly": 410.0},
                {"place_id": "C", "year": 2024, "population": 3100, "households": 1200},
            ]
        ),
        "organizations": pd.DataFrame(
            [
                {
                    "id": "P",
                    "name": "陇海社区党委",
                    "kind": "party_committee",
                    "place_id": "C",
                    "party_members": 80,
                    "founded": pd.Timestamp("2001-07-01"),
                },
                {"id": "R", "name": "居委会", "kind": "residents_committee", "place_id": "C"},
            ]
        ),
        "people": pd.DataFrame(
            [{"id": "U", "place_id": "G", "party_member": True, "roles": "volunteer;cadre"}]
        ),
        "matters": pd.DataFrame(
            [
                {
                    "id": "M",
                    "place_id": "C",
                    "domain": "health",
                    "status": "closed",
                    "submitted_at": pd.Timestamp("2024-01-02 09:30"),
                    "closed_at": pd.Timestamp("2024-01-05"),
                    "handler_id": "R",
                }
            ]
        ),
        "resources": pd.DataFrame(
            [
                {
                    "id": "X",
                    "name": "义诊",
                    "kind": "service",
                    "domain": "health",
                    "provider_id": "R",
                    "capacity": 2,
                }
            ]
        ),
        "links": pd.DataFrame(
            [
                {"source_id": "P", "target_id": "R", "type": "LEADS", "weight": 1.0},
                {
                    "source_id": "P",
                    "target_id": "R",
                    "type": "LEADS",
                    "weight": 2.0,
                    "since": pd.Timestamp("2020-01-01"),
                    "until": pd.Timestamp("2022-12-31"),
                },
                {"source_id": "X", "target_id": "M", "type": "FULFILLS", "weight": 1.0},
            ]
        ),
    }


def zip_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for key, df in tables.items():
            z.writestr(f"{key}.csv", df.to_csv(index=False))
    return buf.getvalue()


def app_text(at: AppTest) -> str:
    """Everything an AppTest run shows, as text: every element's message (markdown, labels,
    options, metrics, captions, iframes, charts) and every dataframe's cells."""
    parts: list[str] = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            parts.append(json.dumps(MessageToDict(proto), ensure_ascii=False))
        try:
            value = node.value
        except Exception:  # blocks and some elements have no value
            continue
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv())
        elif isinstance(value, str | int | float | list | tuple):
            parts.append(str(value))
    return "\n".join(parts)


def bigger_ledger(folder: Path, people: int) -> Path:
    """The typed small ledger with many more volunteers, as CSV: a load of thousands of
    statements, long enough to kill a server or a client in the middle of it."""
    from graph.network import Network
    from loaders.write import write_csv

    t = network_tables()
    more = pd.DataFrame(
        {"id": [f"V{i}" for i in range(people)], "place_id": "G", "roles": "volunteer"}
    )
    t["people"] = pd.concat([t["people"], more], ignore_index=True)
    write_csv(Network(t).tables, folder)
    return folder
