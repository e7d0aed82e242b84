#!/usr/bin/env python3
"""Generated benchmark households from richardsonpy 0.2.3, the Python port of the CREST stochastic
occupancy, lighting and appliance model (Richardson et al., Loughborough University).

One file per household: gzipped CSV `timestamp,wh`, one row per minute, `timestamp` the end of the
minute in Europe/London with its UTC offset, `wh` the energy used in that minute. Everything is
seeded, so two runs write byte-identical files. README.md beside this file gives the model, every
parameter of each household, the four faults of richardsonpy 0.2.3 this script works around (without
changing the package), and the two parts added by hand (a room thermostat, an immersion timer).

    python generate.py --out ../data/generated            # all five, 365 days from 2018-01-01
    python generate.py --out /tmp/x --days 14 --only storage-heaters --verbose
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import math
import os
import random
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from zoneinfo import ZoneInfo

import numpy as np
import richardsonpy
import richardsonpy.classes.appliance as rp_app
import richardsonpy.classes.electric_load as rp_eload
import richardsonpy.classes.lighting as rp_light
import richardsonpy.classes.occupancy as rp_occ
import richardsonpy.classes.stochastic_el_load_wrapper as rp_wrap
import richardsonpy.functions.load_radiation as rp_rad

RICHARDSONPY_VERSION = "0.2.3"
TZ = ZoneInfo("Europe/London")
# 2018-01-01 is a Monday and 2018 is not a leap year: day k of the simulation is day k of the
# generator's weather year (TRY, 365 days), and richardsonpy's weekday counter (initial_day=1,
# Monday) matches the calendar.
START = dt.date(2018, 1, 1)
PKG_DIR = os.path.dirname(os.path.abspath(richardsonpy.__file__))
APPLIANCES_CSV = os.path.join(PKG_DIR, "inputs", "Appliances.csv")
LIGHTBULBS_CSV = os.path.join(PKG_DIR, "inputs", "LightBulbs.csv")

# The generator's weather: TRY 2010 region 5 (DWD test reference year, station Essen, 51°24'N
# 6°58'E; London is at 51°30'N), hourly. Its header says the hours are MEZ, but its irradiance is
# centred on noon of its own hour axis (the irradiance-weighted centre of its mean day is 12:03
# when each hour's value is taken as the mean of the hour ending at HH), i.e. the axis is
# effectively local solar time. London's solar time is UTC (to within 0.5 min and the equation of
# time), so a UK minute at UTC u takes the TRY value at hour-axis time u.
TRY_SHIFT_MIN = 0.0

# ---------------------------------------------------------------------------------------------
# The households. Row names are those of richardsonpy's inputs/Appliances.csv.
# ---------------------------------------------------------------------------------------------
# The generator's own default ownership (column "Has appliance?" of its Appliances.csv):
DEFAULT_OWNED = [
    "Fridge freezer", "Refrigerator", "Answer machine", "Cassette / CD Player", "Clock",
    "Cordless telephone", "Hi-Fi", "Iron", "Vacuum", "Personal computer", "Printer", "TV 1", "TV 2",
    "VCR / DVD", "TV Receiver box", "Hob", "Oven", "Microwave", "Kettle", "Small cooking (group)",
    "Dish washer", "Tumble dryer", "Washing machine",
]
HEATING_ROWS = ["DESWH", "E-INST", "Electric shower", "Storage heaters", "Other electric space heating"]

HOUSEHOLDS = [
    {
        "kind": "electric-heating",
        "seed": 20180101,
        "occupants": 2,
        "annual_kwh": "default",
        "light_config": 11,
        "add": [], "remove": [],
        "heating": "Other electric space heating",
        "addition": "thermostat",
    },
    {
        "kind": "immersion-timer",
        "seed": 20180102,
        "occupants": 3,
        "annual_kwh": "default",
        "light_config": 23,
        "add": [], "remove": [],
        "heating": "DESWH",
        "addition": "timer",
    },
    {
        "kind": "storage-heaters",
        "seed": 20180103,
        "occupants": 2,
        "annual_kwh": "default",
        "light_config": 37,
        "add": [], "remove": [],
        "heating": "Storage heaters",
        "addition": None,
    },
    {
        "kind": "single-variable",
        "seed": 20180104,
        "occupants": 1,
        "annual_kwh": "default",
        "light_config": 42,
        "add": ["Electric shower"], "remove": ["TV 2", "Dish washer", "Printer"],
        "heating": None,
        "addition": None,
    },
    {
        "kind": "family-evening",
        "seed": 20180105,
        "occupants": 5,
        "annual_kwh": "default",
        "light_config": 58,
        "add": ["TV 3", "Upright freezer"], "remove": [],
        "heating": None,
        "addition": None,
    },
]

# The two hand-made additions (README: "What is added to the generator's output").
THERMOSTAT = {
    "setpoint_c": 20.0,        # room thermostat set point
    "deadband_k": 0.25,        # element off above set point + 0.25 K, on again below set point - 0.25 K
    "ua_kw_per_k": 0.10,       # heat loss of the heated room(s): 2.2 kW at -2 °C outside
    "c_kwh_per_k": 0.30,       # heat capacity of the heated room(s): time constant 3 h
    "gains_kw": 0.45,          # internal + solar gains, constant: no heat needed above 15.5 °C outside (UK degree-day base)
    "initial_room_c": 16.0,
}
IMMERSION = {
    "element_w": 3000.0,                                  # the generator's DESWH rated power
    "windows": [((5, 0), (7, 0)), ((16, 0), (18, 0))],    # timer on, local clock time
    "tank_kwh": 140 * 4.186 * 50 / 3600,                  # 140 l cylinder, 10 -> 60 °C: 8.14 kWh
}


# ---------------------------------------------------------------------------------------------
# Generator patches and inputs
# ---------------------------------------------------------------------------------------------
# richardsonpy 0.2.3 looks up the time-of-day profile of activity p (0 TV, 1 cooking, 2 laundry,
# 3 washing, 4 ironing, 5 cleaning) for n active occupants at row 5*n + p of its ActiveAppliances
# tables, whose rows are laid out six per n (row 6*n + p, each labelled n;p in its first two
# columns). ActivityStats translates the index; since 5*n + 5 = 5*(n+1) + 0, the one appliance with
# profile 5 (Vacuum) is given the code CLEANING_CODE in the appliance table, which only this lookup
# reads (every other test on the code, "< 6", "!= 2", "!= 7", "!= 8", treats it as it treats 5).
CLEANING_CODE = -100


class ActivityStats:
    """One of richardsonpy's activity-statistics tables, indexed the way its appliance model indexes it."""

    def __init__(self, rows):
        self.rows = rows

    def __getitem__(self, idx):
        idx = int(idx)
        if idx < 0:
            n, p = (idx - CLEANING_CODE) // 5, 5
        else:
            n, p = divmod(idx, 5)
        row = self.rows[6 * n + p]
        if (int(row[0]), int(row[1])) != (n, p):
            raise AssertionError(f"activity table row {6 * n + p} is {row[:2]}, expected {n};{p}")
        return row


def package_default_owned() -> set[str]:
    """The appliances richardsonpy's own table marks as owned (column "Has appliance?")."""
    with open(APPLIANCES_CSV, encoding="utf-8") as f:
        return {r[1] for r in list(csv.reader(f, delimiter=";"))[1:] if float(r[2]) == 1}


def appliance_table(path: str, owned: set[str]) -> None:
    """Write a richardsonpy appliance table (its Appliances.csv format) owning exactly `owned`.

    The rows "Storage heaters" and "Other electric space heating" are written in swapped order
    (31 and 32 instead of 32 and 31): richardsonpy's run_application_simulation applies CREST's
    monthly temperature modifier to *row index 31* ("elif i == 31:  # ELEC_SPACE_HEATING"), which
    in its shipped table is the storage heaters, whose custom profile never reaches that branch.
    As shipped, "Other electric space heating" is therefore used the same in July as in January.
    With the swap the modifier applies to it, as in the original CREST model. Nothing else in the
    package depends on the order of these two rows (the storage heaters are recognised by their
    use profile 8, and both rows get the heating cycle-length variation for indices 31 and 32).
    """
    with open(APPLIANCES_CSV, encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter=";"))
    header, body = rows[0], rows[1:]
    names = [r[1] for r in body]
    unknown = owned - set(names)
    if unknown:
        raise ValueError(f"not in richardsonpy's appliance table: {sorted(unknown)}")
    i_sh, i_oh = names.index("Storage heaters"), names.index("Other electric space heating")
    assert (i_sh, i_oh) == (31, 32), "unexpected richardsonpy appliance table"
    body[i_sh], body[i_oh] = body[i_oh], body[i_sh]
    for r in body:
        r[2] = "1" if r[1] in owned else "0"
        if r[10].strip() == "5":  # Vacuum, the only "cleaning" appliance: see ActivityStats
            r[10] = str(CLEANING_CODE)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(header)
        w.writerows(body)


def try_hourly():
    """(global horizontal irradiance W/m², air temperature °C) for each hour of the TRY year,
    from the file and reader richardsonpy ships (value i is the hour ending at hour i+1 of the year)."""
    d = rp_rad.load_try_data()
    # The file starts with Dec 31 hour 24 (the hour before the year); take Jan 1 01 .. Dec 31 24.
    d = d[1:8761]
    assert d[0, 2] == 1 and d[0, 3] == 1 and d[0, 4] == 1 and d[-1, 2] == 12 and d[-1, 4] == 24
    return d[:, 13] + d[:, 14], d[:, 8]


def weather_for_day(date: dt.date, ghi: np.ndarray, temp: np.ndarray):
    """Irradiance and temperature for the 1440 wall-clock minutes of a local day (at their
    midpoints), from the TRY year by day of year, at London's solar time, interpolated linearly."""
    doy = (dt.date(2018, date.month, min(date.day, 28 if date.month == 2 else date.day)) - dt.date(2018, 1, 1)).days
    midnight = dt.datetime(date.year, date.month, date.day, tzinfo=TZ)
    utc_offset_min = midnight.utcoffset().total_seconds() / 60
    # Offset for the whole day (DST changes at 01:00/02:00 only shift the night, when it is dark).
    m = np.arange(1440) + 0.5
    axis_min = doy * 1440 + m - utc_offset_min + TRY_SHIFT_MIN  # minutes since Jan 1 00:00 on the TRY's hour axis
    hours = axis_min / 60.0 - 0.5  # value i (hour HH = i+1) is the mean of hour HH-1..HH: put it at i+0.5
    n = len(ghi)
    lo = np.floor(hours).astype(int)
    frac = hours - lo
    out_ghi = ghi[lo % n] * (1 - frac) + ghi[(lo + 1) % n] * frac
    out_t = temp[lo % n] * (1 - frac) + temp[(lo + 1) % n] * frac
    return out_ghi, out_t


# ---------------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------------
def simulate(h: dict, days: int, tmpdir: str) -> dict:
    """Simulate one household: per local day, 1440 wall-clock minutes of power (W)."""
    # richardsonpy draws every random number from Python's `random`. Occupancy is drawn first from
    # seed, then `random` is re-seeded for the appliances and lighting, and the storage-heater rule
    # has its own stream: each is drawn day after day, so --days N writes the first N days of the
    # full-year files.
    random.seed(h["seed"])
    extra_rng = random.Random(h["seed"] + 2)
    owned = (set(DEFAULT_OWNED) | set(h["add"])) - set(h["remove"])
    assert not owned & (set(HEATING_ROWS) - {"Electric shower"})
    table = os.path.join(tmpdir, f"{h['kind']}-appliances.csv")
    appliance_table(table, owned)

    occ = rp_occ.Occupancy(number_occupants=h["occupants"], initial_day=1, nb_days=max(days, 365))
    # Share of the time with at least one active occupant (over the first year), which the
    # calibration of the appliances' start probabilities needs (richardsonpy's default, 0.459, is
    # CREST's average dwelling).
    active_share = float(np.mean(np.asarray(occ.occupancy[:365 * 144]) > 0))
    random.seed(h["seed"] + 1)
    # As richardsonpy's ElectricLoad does: 91 % of the annual demand to appliances (9 % lighting).
    apps = rp_app.Appliances(table, annual_consumption=0.91 * annual_kwh(h), randomize_appliances=False,
                             mean_active_occupancy=active_share)
    lights = rp_light.load_lighting_profile(filename=LIGHTBULBS_CSV, index=h["light_config"])
    profile = rp_wrap.ElectricityProfile(apps, lights)  # loads the activity statistics
    stats = {w: ActivityStats(rp_wrap.ElectricityProfile.activity_statistics[w]) for w in ("wd", "we")}

    heat = None
    if h["heating"]:
        heat_table = os.path.join(tmpdir, f"{h['kind']}-heating.csv")
        appliance_table(heat_table, {h["heating"]})
        probe = rp_app.Appliances(heat_table, annual_consumption=1000.0, randomize_appliances=False,
                                  mean_active_occupancy=active_share)
        nominal = probe.estimate_annual_consumption(1.0, active_share)
        # Calibration factor 1: the cycles per year of CREST's table, not rescaled with the
        # ordinary appliances (the storage heaters' season length is derived from them).
        heat = rp_app.Appliances(heat_table, annual_consumption=nominal, randomize_appliances=False,
                                 mean_active_occupancy=active_share)

    ghi, temp = try_hourly()
    base = np.zeros((days, 1440))
    lighting = np.zeros((days, 1440))
    heating = np.zeros((days, 1440))
    t_out = np.zeros((days, 1440))
    dates = [START + dt.timedelta(days=k) for k in range(days)]
    per_app_wmin = np.zeros(len(apps.data))  # W·min per appliance row, for --verbose
    for k, date in enumerate(dates):
        # What ElectricityProfile.power_sim does, with the index-translated activity statistics,
        # the calendar month, and the day's own irradiance at minute resolution.
        week = "we" if date.weekday() >= 5 else "wd"
        occ_day = occ.occupancy[144 * k: 144 * (k + 1)]
        irr, t = weather_for_day(date, ghi, temp)
        t_out[k] = t
        light = rp_light.run_lighting_simulation(vOccupancyArray=occ_day, vBulbArray=lights,
                                                 vIrradianceArray=irr, light_mod_config=profile.lighting_config)
        app = rp_app.run_application_simulation(occ_day, apps, stats[week], iMonth=date.month)
        lighting[k] = np.sum(light, axis=0)
        app = np.asarray(app, dtype=float)
        per_app_wmin += app.sum(axis=1)
        base[k] = lighting[k] + np.sum(app, axis=0)
        if heat is not None and h["heating"] != "Storage heaters":
            heating[k] = np.sum(rp_app.run_application_simulation(occ_day, heat, stats[week], iMonth=date.month), axis=0)
    if h["heating"] == "Storage heaters":
        heating = storage_heaters(heat, dates, extra_rng)

    names = [r[1] for r in csv.reader(open(table, encoding="utf-8"), delimiter=";")][1:]
    info = {
        "appliance_kwh": {n: round(float(v / 60000), 1) for n, v in zip(names, per_app_wmin) if v > 0},
        "active_share": active_share,
        "calibration_factor": _calibration_factor(apps),
        "lighting_kwh": float(lighting.sum() / 60000),
        "heating_kwh": float(heating.sum() / 60000),
    }
    if h["addition"] == "thermostat":
        heating, on_share = thermostat(heating, t_out)
        info["thermostat_element_on_share"] = on_share
        info["heating_kwh_after"] = float(heating.sum() / 60000)
    elif h["addition"] == "timer":
        heating, info["immersion_unmet_kwh"] = immersion_timer(heating)
        info["heating_kwh_after"] = float(heating.sum() / 60000)
    return {"power": base + heating, "heating": heating, "info": info}


def storage_heaters(heat, dates, rng: random.Random) -> np.ndarray:
    """CREST's night-storage-heater rule, as richardsonpy 0.2.3 writes it in
    run_application_simulation (use profile 8, "CUSTOM") but never runs it: there its
    `elif sUseProfile == 8` sits at the level of `elif iCycleTimeLeft <= 0`, so it is reached
    only while the heater is already on, and an off heater never starts (were it reached, its
    date_add would raise TypeError). Same rule, same table values, run here:

    at 00:30-00:40 local time, with the heating season centred on 14 January and lasting the
    table's (calibrated) cycles per year: every night in the months inside it, with probability
    0.05 a minute in the two months where it starts or ends, never outside; a charge lasts
    N(360, 36) minutes (richardsonpy's cycle_length for heating rows) at N(10200, 1020) W (its
    daily spread of an appliance's rated power)."""
    i = [r for r in range(len(heat.data)) if heat.data[r][0] == 1]
    assert len(i) == 1 and heat.data[i[0]][8] == 8, "storage heaters: one owned row with use profile 8"
    row = heat.data[i[0]]
    cycles, mean_len, rated = heat.calib_cycles[i[0]], row[3], row[4]
    half = dt.timedelta(days=round(cycles / 2))
    coldest = dt.date(1997, 1, 14)  # "Assume January 14th is the coldest day of the year"
    month_off, month_on = (coldest + half).month, (coldest - half).month
    out = np.zeros((len(dates), 1440))
    for k, date in enumerate(dates):
        power = rng.gauss(rated, rated / 10)
        if date.month in (month_off, month_on):
            prob = 0.5 / 10
        elif month_off < date.month < month_on:
            prob = 0.0
        else:
            prob = 1.0
        for m in range(30, 40):
            if rng.random() <= prob:
                length = max(1, int(math.ceil(rng.gauss(mean_len, mean_len / 10))))
                out[k, m:m + length] = power
                break
    return out


def annual_kwh(h: dict) -> float:
    """The annual demand the ordinary appliances and lighting are calibrated to: richardsonpy's
    own default for a single-family house with this many occupants (ElectricLoad.standard_consumption)."""
    if h["annual_kwh"] == "default":
        return float(rp_eload.ElectricLoad.standard_consumption["SFH"][h["occupants"]])
    return float(h["annual_kwh"])


def _calibration_factor(apps) -> float:
    i = 1  # fridge freezer: calib_cycles = table cycles × calibration factor
    return float(apps.calib_cycles[i] / apps.data[i][2])


def thermostat(demand: np.ndarray, t_out: np.ndarray):
    """A room thermostat on the generator's electric space heater (hand-made addition).

    `demand` is the heater as the generator switches it (W, on while occupants want heat). A
    one-node room (heat loss UA, capacity C, constant gains) is simulated minute by minute all year; the element
    draws the generator's power only while the heater is switched on *and* the thermostat calls
    for heat (below set point - dead band; it stays on until set point + dead band)."""
    p = THERMOSTAT
    flat_d, flat_t = demand.reshape(-1), t_out.reshape(-1)
    out = np.zeros_like(flat_d)
    room = p["initial_room_c"]
    calling = True
    lo, hi = p["setpoint_c"] - p["deadband_k"], p["setpoint_c"] + p["deadband_k"]
    for i in range(len(flat_d)):
        if room < lo:
            calling = True
        elif room > hi:
            calling = False
        w = flat_d[i] if (flat_d[i] > 0 and calling) else 0.0
        out[i] = w
        room += (w / 1000.0 + p["gains_kw"] - p["ua_kw_per_k"] * (room - flat_t[i])) / p["c_kwh_per_k"] / 60.0
    switched_on = np.count_nonzero(flat_d > 0)
    share = float(np.count_nonzero(out > 0) / switched_on) if switched_on else 0.0
    return out.reshape(demand.shape), share


def immersion_timer(draws: np.ndarray):
    """A storage cylinder whose 3 kW immersion is on a timer (hand-made addition).

    `draws` is the generator's DESWH (electric storage water heater) power, which CREST switches
    on as the occupants use hot water: here it is the energy taken from the cylinder instead. The
    element heats only inside the timer windows, at full power until its thermostat finds the
    cylinder hot again (the energy drawn since has been put back), so each window starts with a
    3 kW step that lasts as long as the day's use requires. Use beyond a full cylinder is lost
    (cold water), so the deficit never exceeds the cylinder's capacity."""
    p = IMMERSION
    minutes = np.arange(1440)
    timer = np.zeros(1440, dtype=bool)
    for (h0, m0), (h1, m1) in p["windows"]:
        timer |= (minutes >= h0 * 60 + m0) & (minutes < h1 * 60 + m1)
    out = np.zeros_like(draws)
    deficit = 0.0  # kWh
    unmet = 0.0
    step_kwh = p["element_w"] / 60000.0
    for k in range(draws.shape[0]):
        for m in range(1440):
            deficit += draws[k, m] / 60000.0
            if deficit > p["tank_kwh"]:
                unmet += deficit - p["tank_kwh"]
                deficit = p["tank_kwh"]
            if timer[m] and deficit > 0:
                e = min(step_kwh, deficit)
                out[k, m] = e * 60000.0
                deficit -= e
    return out, float(unmet)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------
def utc_minutes(days: int):
    """For every UTC minute from local START 00:00 to local START+days 00:00: the local day index
    and wall-clock minute of the minute's start, and its end as ISO-8601 with Europe/London's offset."""
    t0 = dt.datetime(START.year, START.month, START.day, tzinfo=TZ).astimezone(dt.timezone.utc)
    end = START + dt.timedelta(days=days)
    t1 = dt.datetime(end.year, end.month, end.day, tzinfo=TZ).astimezone(dt.timezone.utc)
    n = int((t1 - t0).total_seconds() // 60)
    day_idx = np.empty(n, dtype=np.int64)
    minute = np.empty(n, dtype=np.int64)
    stamps = []
    one = dt.timedelta(minutes=1)
    u = t0
    start_local = START
    for i in range(n):
        loc = u.astimezone(TZ)
        day_idx[i] = (loc.date() - start_local).days
        minute[i] = loc.hour * 60 + loc.minute
        stamps.append((u + one).astimezone(TZ).isoformat())
        u += one
    return day_idx, minute, stamps


def write_csv_gz(path: str, stamps, wh) -> None:
    buf = io.StringIO()
    buf.write("timestamp,wh\n")
    for s, v in zip(stamps, wh):
        buf.write(f"{s},{v:.3f}\n")
    data = buf.getvalue().encode("ascii")
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        # mtime=0 and no file name in the header: the bytes depend on the data only.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(data)
    os.replace(tmp, path)


def summary(kind: str, stamps, wh: np.ndarray, day_idx: np.ndarray, minute: np.ndarray) -> dict:
    days = int(day_idx.max()) + 1
    per_day = np.bincount(day_idx, weights=wh, minlength=days) / 1000.0
    evening = (minute >= 18 * 60) & (minute < 22 * 60)
    return {
        "kind": kind,
        "days": days,
        "rows": len(wh),
        "first": stamps[0],
        "last": stamps[-1],
        "kwh_total": float(wh.sum() / 1000.0),
        "kwh_day_min": float(per_day.min()),
        "kwh_day_median": float(np.median(per_day)),
        "kwh_day_max": float(per_day.max()),
        "p99_w": float(np.percentile(wh * 60.0, 99)),
        "evening_share": float(wh[evening].sum() / wh.sum()),
    }


def summary_line(s: dict) -> str:
    return (f"{s['kind']:<17} days {s['days']}  kWh/day min {s['kwh_day_min']:.2f} median {s['kwh_day_median']:.2f} "
            f"max {s['kwh_day_max']:.2f}  p99 minute power {s['p99_w']:.0f} W  18-22 h share {100 * s['evening_share']:.1f} %")


def run_one(args) -> dict:
    h, days, out_dir = args
    with tempfile.TemporaryDirectory() as tmpdir:
        sim = simulate(h, days, tmpdir)
    day_idx, minute, stamps = utc_minutes(days)
    watts = sim["power"][day_idx, minute]
    # Round once, so the summary describes exactly the file's numbers.
    wh = np.round(watts / 60.0, 3)
    write_csv_gz(os.path.join(out_dir, f"{h['kind']}.csv.gz"), stamps, wh)
    s = summary(h["kind"], stamps, wh, day_idx, minute)
    s["info"] = sim["info"]
    return s


DESCRIPTIONS = {
    "electric-heating": "2 occupants; direct electric space heating (CREST's \"other electric space heating\", 2 kW) behind a room thermostat*, mostly in winter mornings and evenings",
    "immersion-timer": "3 occupants; 3 kW immersion heater on a timer* (05:00-07:00 and 16:00-18:00) re-heating the hot water CREST's occupants use",
    "storage-heaters": "2 occupants; night-storage heaters† charging from 00:30 (~10 kW for ~6 h) every night October-April, some nights in May and September",
    "single-variable": "1 occupant; no electric heating; days of about 3 to 12 kWh",
    "family-evening": "5 occupants; no electric heating; evening peaks",
}

ATTRIBUTION = """\
- Generated with **richardsonpy 0.2.3** (RWTH Aachen University, E.ON Energy Research Center,
  Institute for Energy Efficient Buildings and Indoor Climate; GPL-3.0), the Python version of the
  CREST domestic demand model by Ian Richardson, Murray Thomson, David Infield and co-authors,
  Loughborough University:
  I. Richardson, M. Thomson, D. Infield, *A high-resolution domestic building occupancy model for
  energy demand simulations*, Energy and Buildings 40 (8) (2008) 1560-1566, doi:10.1016/j.enbuild.2008.02.006;
  I. Richardson, M. Thomson, D. Infield, A. Delahunty, *Domestic lighting: A high-resolution energy
  demand model*, Energy and Buildings 41 (7) (2009) 781-789, doi:10.1016/j.enbuild.2009.02.010;
  I. Richardson, M. Thomson, D. Infield, C. Clifford, *Domestic electricity use: A high-resolution
  energy demand model*, Energy and Buildings 42 (10) (2010) 1878-1887, doi:10.1016/j.enbuild.2010.05.023.
- Weather input: the test reference year TRY 2010, region 5 (station Essen) of the Deutscher
  Wetterdienst, as shipped inside richardsonpy (source: Deutscher Wetterdienst).
- Households, parameters and the parts marked \\* and †: stream-smarts, `bench/households/generate.py`
  (see `bench/households/README.md`)."""


def read_back(path: str) -> dict:
    """Summary of a written file, read the way a reader of the history format would."""
    rows = 0
    total = 0.0
    per_day: dict[str, float] = {}
    first = last = None
    one = dt.timedelta(minutes=1)
    with gzip.open(path, "rt", encoding="ascii", newline="") as f:
        r = csv.reader(f)
        if next(r) != ["timestamp", "wh"]:
            raise ValueError(f"{path}: header is not timestamp,wh")
        prev = None
        for ts, wh in r:
            end = dt.datetime.fromisoformat(ts)
            if prev is not None and end - prev != one:
                raise ValueError(f"{path}: {ts} does not follow {prev.isoformat()} by one minute")
            prev = end
            w = float(wh)
            rows += 1
            total += w
            day = (end.astimezone(TZ) - one).date().isoformat()
            per_day[day] = per_day.get(day, 0.0) + w
            first = first or ts
            last = ts
    return {"rows": rows, "first": first, "last": last, "kwh_total": total / 1000.0,
            "kwh_day_median": float(np.median(list(per_day.values()))) / 1000.0, "days": len(per_day),
            "bytes": os.path.getsize(path)}


def write_data_readme(out_dir: str) -> None:
    """README.md beside the files: what each is, a table read back from the files, attribution."""
    lines = []
    for h in HOUSEHOLDS:
        path = os.path.join(out_dir, f"{h['kind']}.csv.gz")
        if not os.path.exists(path):
            continue
        b = read_back(path)
        lines.append(f"| `{h['kind']}.csv.gz` | {b['first']} | {b['last']} | {b['rows']:,} | {b['kwh_total']:,.0f} | "
                     f"{b['kwh_day_median']:.2f} | {b['bytes'] / 1e6:.2f} MB |")
    kinds = "\n".join(f"- `{k}`: {v}" for k, v in DESCRIPTIONS.items()
                      if os.path.exists(os.path.join(out_dir, f"{k}.csv.gz")))
    text = f"""# Generated households (richardsonpy / CREST)

Synthetic minute-level electricity use of five UK-like households, of kinds the real benchmark
data lack. They are made by `bench/households/generate.py` (fixed seeds: the same command writes
the same bytes); `bench/households/README.md` says how, with every parameter and every part that
was added by hand. They are simulations, not measurements: use them to see how a detector copes
with a kind of house, not to state how well it does on real ones.

{kinds}

\\* added to the generator's output by `generate.py` (the generator has no thermostat and no timer).

† CREST's storage-heater rule with the generator's table values, run by `generate.py` because
richardsonpy 0.2.3 holds the rule but never reaches it.

| file | first interval end | last interval end | rows | kWh total | kWh/day median | size |
|---|---|---|---|---|---|---|
""" + "\n".join(lines) + f"""

Format (what `stream-smarts` reads as history): header `timestamp,wh`; one row per minute;
`timestamp` is the end of the minute in Europe/London with its UTC offset (`+00:00` in winter,
`+01:00` in summer); `wh` is the energy used in that minute, 3 decimals. The households live by
the clock: each day is simulated as 1,440 wall-clock minutes, so on the spring change the minutes
of 01:00-02:00 are left out (that hour does not exist) and on the autumn change the hour
01:00-02:00 is written twice, once at `+01:00` and once at `+00:00`, with the same values.

Regenerate (from `bench/households/`):

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && .venv/bin/python generate.py --out ../data/generated

## Attribution (keep with the data)

{ATTRIBUTION}

Licence: the files are distributed with stream-smarts under its licence (Apache-2.0). They are the
output of richardsonpy (GPL-3.0, which covers the program) and contain none of its code or tables.
Keep the attribution above with them wherever they go.
"""
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="folder for <kind>.csv.gz (created if missing)")
    ap.add_argument("--days", type=int, default=365, help="days from 2018-01-01 (Monday), default 365")
    ap.add_argument("--only", action="append", choices=[h["kind"] for h in HOUSEHOLDS],
                    help="generate only this household (repeatable)")
    ap.add_argument("--jobs", type=int, default=min(len(HOUSEHOLDS), os.cpu_count() or 1),
                    help="households simulated at once (the files do not depend on it)")
    ap.add_argument("--verbose", action="store_true", help="also print calibration and heating details")
    a = ap.parse_args(argv)
    if a.days < 1:
        ap.error("--days must be at least 1")
    if richardsonpy.__version__ != RICHARDSONPY_VERSION:
        print(f"warning: richardsonpy {richardsonpy.__version__} installed; these households were "
              f"made with {RICHARDSONPY_VERSION} (requirements.txt)", file=sys.stderr)
    if package_default_owned() != set(DEFAULT_OWNED):
        print("error: richardsonpy's default appliance ownership is not the one DEFAULT_OWNED lists", file=sys.stderr)
        return 1
    os.makedirs(a.out, exist_ok=True)
    todo = [h for h in HOUSEHOLDS if not a.only or h["kind"] in a.only]
    jobs = [(h, a.days, a.out) for h in todo]
    if a.jobs > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=a.jobs) as ex:
            results = list(ex.map(run_one, jobs))
    else:
        results = [run_one(j) for j in jobs]
    for s in results:
        print(summary_line(s))
        if a.verbose:
            info = dict(s["info"])
            apps = info.pop("appliance_kwh")
            print("    " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in info.items()))
            print("    appliances kWh: " + ", ".join(f"{k} {v}" for k, v in sorted(apps.items(), key=lambda kv: -kv[1])))
    write_data_readme(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
