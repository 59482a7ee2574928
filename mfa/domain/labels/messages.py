"""The messages people read, by page: key -> (English, Chinese). Fields in braces are filled by
mfa.domain.labels.text (the app: mfa.ui.i18n.t)."""

from __future__ import annotations

INDICATOR_NAMES: dict[str, tuple[str, str]] = {
    "renewable_recycled_t": ("Renewable resources recycled", "再生资源回收利用量"),
    "bulk_waste_generated_t": ("Bulk solid waste generated", "大宗工业固废产生量"),
    "bulk_waste_utilized_t": ("Bulk solid waste utilized", "大宗工业固废综合利用量"),
    "bulk_waste_utilized_from_stock_t": ("… of it from old stockpiles", "其中利用往年贮存量"),
    "bulk_waste_utilization_rate": ("Bulk solid waste utilization rate", "大宗工业固废综合利用率"),
    "battery_retired_t": ("Power batteries retired", "退役动力电池量"),
    "battery_reused_t": ("Power batteries in echelon use", "动力电池梯次利用量"),
    "battery_recycled_t": ("Power batteries recycled", "动力电池再生利用量"),
    "water_intensity_reduction": ("Water use per value added, reduction vs 2020", "单位工业增加值用水量下降"),
    "energy_intensity_reduction": ("Energy use per value added, reduction vs 2020", "规上单位工业增加值能耗下降"),
    "pollutant_intensity_reduction": (
        "Pollutant emission intensity, reduction vs 2020",
        "重点行业主要污染物排放强度下降",
    ),
    "green_factories_added": ("Provincial green factories added", "新增省级绿色工厂"),
    "green_parks_added": ("Green parks added", "新增绿色园区"),
    "green_design_products_added": ("Green design products added", "新增绿色设计产品"),
    "green_supply_chain_firms_added": ("Green supply-chain firms added", "新增绿色供应链管理企业"),
    "manufacturing_share_of_gdp": ("Manufacturing share of GDP", "制造业增加值占GDP比重"),
}

_PAGES: dict[str, tuple[str, str]] = {
    "page_overview": ("Overview", "总览"),
    "page_flows": ("Flows", "物质流"),
    "page_reconciliation": ("Reconciliation", "数据校核"),
    "page_enter": ("Enter data", "数据填报"),
    "page_import": ("Import", "批量导入"),
    "page_export": ("Export", "导出"),
    "section_explore": ("Explore", "分析"),
    "section_data": ("Data", "数据"),
    "database_caption": (
        "{parks:,} parks · {facilities:,} facilities · {flows:,} flows",
        "{parks:,} 个园区 · {facilities:,} 个设施 · {flows:,} 条流量",
    ),
    "no_flows": ("No flows recorded yet.", "尚无流量数据。"),
    "go_import": ("Import files", "导入文件"),
    "page_history": ("History", "修改记录"),
    "history_caption": (
        "Every change: who made it, when, through which path. Deleted and replaced versions are kept and can be "
        "restored.",
        "所有修改：由谁、何时、通过何种方式。被删除或被替换的版本都会保留，并可恢复。",
    ),
    "history_latest": ("Latest changes", "最近的修改"),
    "history_limit": ("Show", "显示条数"),
    "history_none": ("No changes recorded yet.", "尚无修改记录。"),
    "history_change": ("Records of change", "查看某次修改涉及的记录"),
    "history_open_record": ("Open the history of", "查看记录的历史"),
    "history_record": ("History of a record", "单条记录的历史"),
    "history_kind": ("Record", "记录类型"),
    "history_key": ("Key ({columns})", "键（{columns}）"),
    "history_key_incomplete": ("Give every part of the key: {columns}", "请填写完整的键：{columns}"),
    "history_no_record": ("No such record in the database or its history.", "数据库及历史中均无此记录。"),
    "history_version": ("Version", "版本"),
    "history_restore": ("Restore version {version}", "恢复到版本 {version}"),
    "history_restored": ("Version {version} restored as the newest version.", "已将版本 {version} 恢复为最新版本。"),
    "history_col_change": ("No.", "编号"),
    "history_col_when": ("When", "时间"),
    "history_col_who": ("Who", "修改人"),
    "history_col_via": ("Through", "途径"),
    "history_col_what": ("What", "内容"),
    "history_col_record": ("Record", "记录类型"),
    "history_col_name": ("Which", "记录"),
    "history_col_codes": ("Codes", "代码"),
    "history_col_codes_help": (
        "The record's key as codes (what the command line takes).",
        "记录的键（代码），命令行使用。",
    ),
    "history_col_how": ("Done", "操作"),
    "history_col_version": ("Version", "版本"),
    "history_col_status": ("Status", "状态"),
    "history_col_changes": ("What changed", "修改内容"),
    "history_how_written": ("written", "写入"),
    "history_how_deleted": ("deleted", "删除"),
    "history_status_created": ("created", "新建"),
    "history_status_updated": ("updated", "修改"),
    "history_status_deleted": ("deleted", "删除"),
    "history_status_restored": ("restored", "恢复"),
    "history_channel_app": ("App", "网页应用"),
    "history_channel_cli": ("Command line", "命令行"),
    "history_via_form": ("entry form", "填报表单"),
    "history_via_delete": ("deletion", "删除"),
    "history_via_import": ("import of {files}", "导入 {files}"),
    "history_via_restore": ("restore of version {version}", "恢复版本 {version}"),
    "history_via_confirm": ("hand-over confirmed", "确认交接"),
    "history_via_calibrate": ("lifetime calibration ({what})", "寿命校准（{what}）"),
    "history_via_calibration": ("lifetime calibration", "寿命校准"),
    "history_nothing_written": ("nothing written", "未写入任何记录"),
    "history_written": ("{what}: {n} written", "{what}：写入 {n} 条"),
    "history_deleted": ("{what} deleted: {name}", "已删除{what}：{name}"),
    "history_empty_value": ("(empty)", "（空）"),
    "history_kind_flow": ("Flow", "流量"),
    "history_kind_facility": ("Facility", "设施"),
    "history_kind_park": ("Park", "园区"),
    "history_kind_stock": ("Stock", "库存"),
    "history_kind_target": ("Target", "目标"),
    "history_kind_material_alias": ("Material alias", "物料别名"),
    "history_kind_transfer_coefficient": ("Transfer coefficient", "传递系数"),
    "history_table_parks": ("Parks", "园区"),
    "history_table_facilities": ("Facilities", "设施"),
    "history_table_materials": ("Materials", "物料"),
    "history_table_material_aliases": ("Material aliases", "物料别名"),
    "history_table_flows": ("Flows", "流量"),
    "history_table_stocks": ("Stocks", "库存"),
    "history_table_targets": ("Targets", "目标"),
    "history_table_reported": ("Reported indicators", "上报指标"),
    "history_table_lifetimes": ("Lifetimes", "使用寿命"),
    "history_table_inflows": ("Inflows into use", "投入使用量"),
    "history_table_capacities": ("Capacities", "处理能力"),
    "history_table_transfer_coefficients": ("Transfer coefficients", "传递系数"),
    "history_field_period": ("period", "期间"),
    "history_field_source": ("from", "来源"),
    "history_field_target": ("to", "去向"),
    "history_field_material": ("material", "物料"),
    "history_field_side": ("declared by", "申报方"),
    "history_field_quantity_t": ("quantity", "数量"),
    "history_field_value": ("value entered", "填报值"),
    "history_field_unit": ("unit", "单位"),
    "history_field_uncertainty": ("uncertainty", "不确定度"),
    "history_field_data_quality": ("data quality", "数据质量"),
    "history_field_note": ("note", "备注"),
    "history_field_reference": ("reference", "出处"),
    "history_field_cited": ("source", "数据来源"),
    "history_field_code": ("code", "代码"),
    "history_field_name": ("name", "名称"),
    "history_field_name_zh": ("Chinese name", "中文名称"),
    "history_field_park": ("park", "园区"),
    "history_field_kind": ("kind", "类型"),
    "history_field_city": ("city", "城市"),
    "history_field_level": ("level", "级别"),
    "history_field_facility": ("facility", "设施"),
    "history_field_alias": ("alias", "别名"),
    "history_field_coefficient": ("coefficient", "传递系数"),
    "history_field_tolerance": ("tolerance", "容差"),
    "history_field_scope_level": ("scope level", "范围层级"),
    "history_field_scope": ("scope", "范围"),
    "history_field_indicator": ("indicator", "指标"),
    "history_field_target_year": ("target year", "目标年份"),
    "history_field_baseline_year": ("baseline year", "基准年份"),
    "history_field_baseline_value": ("baseline value", "基准值"),
    "history_field_target_value": ("target value", "目标值"),
    "history_field_direction": ("direction", "方向"),
    "history_scope_facility": ("facility", "设施"),
    "history_scope_kind": ("facility kind", "设施类型"),
    "history_scope_city": ("city", "市州"),
    "history_scope_province": ("province", "全省"),
    "history_sender": ("sender", "移出方"),
    "history_receiver": ("receiver", "接收方"),
    "history_find": ("Find the record", "查找记录"),
    "history_any": ("any", "全部"),
    "history_find_facility": ("Facility", "设施"),
    "history_find_material": ("Material", "物料"),
    "history_find_park": ("Park", "园区"),
    "history_find_period": ("Period (2024 or 2024-03)", "期间（如 2024 或 2024-03）"),
    "history_matches": ("Record ({n} found)", "记录（找到 {n} 条）"),
    "history_no_match": ("No record of this kind matches.", "没有符合条件的此类记录。"),
    "history_matches_first": (
        "Record (the first {n}: narrow the search to see the others)",
        "记录（仅列出前 {n} 条，请缩小查找范围）",
    ),
    "history_pick_placeholder": ("Choose a record", "选择一条记录"),
    "history_via_import_many": ("import of {first} and {more} more files", "导入 {first} 及另外 {more} 个文件"),
    "export_col_period": ("Period", "期间"),
    "export_col_source_code": ("From (code)", "来源代码"),
    "export_col_source_name": ("From", "来源"),
    "export_col_target_code": ("To (code)", "去向代码"),
    "export_col_target_name": ("To", "去向"),
    "export_col_material_code": ("Material (code)", "物料代码"),
    "export_col_material_name": ("Material", "物料"),
    "export_col_side": ("Declared by", "申报方"),
    "export_col_code": ("Code", "代码"),
    "export_col_name": ("Name", "名称"),
    "export_col_kind": ("Kind", "类型"),
    "export_col_park_code": ("Park (code)", "园区代码"),
    "export_col_park_name": ("Park", "园区"),
    "export_col_city": ("City", "城市"),
    "export_col_parent_code": ("Part of (code)", "上级物料代码"),
    "export_col_parent_name": ("Part of", "上级物料"),
    "login_title": ("Sign in to mfa", "登录 mfa"),
    "login_intro": (
        "Material flows of Hunan's industrial parks. No account yet? Ask your administrator for one.",
        "湖南省园区物质流管理。还没有账号？请向管理员申请。",
    ),
    "login_name": ("User name", "用户名"),
    "login_password": ("Password", "密码"),
    "login_button": ("Sign in", "登录"),
    "login_failed": ("Wrong user name or password, or the account is disabled.", "用户名或密码错误，或账号已停用。"),
    "login_ended": (
        "Your session ended (logged out, or unused for {minutes} minutes). Please sign in again.",
        "会话已结束（已退出，或 {minutes} 分钟未操作）。请重新登录。",
    ),
    "signed_in_as": ("Signed in as **{name}** · {role}", "当前用户：**{name}** · {role}"),
    "logout": ("Log out", "退出登录"),
    "role_admin": ("admin", "管理员"),
    "role_analyst": ("analyst (reads only)", "分析员（只读）"),
    "role_park_manager": ("park manager: {parks}", "园区管理员：{parks}"),
}

_COMMON: dict[str, tuple[str, str]] = {
    "year": ("Year", "年份"),
    "month": ("Month", "月份"),
    "whole_year": ("Whole year", "全年"),
    "year_partial": ("{year} (partial)", "{year}（不完整）"),
    "year_partial_note": (
        "{year} is not complete yet: fewer than 90 % of the facilities or 80 % of the tonnes of the last complete "
        "year have been reported, so its figures are partial.",
        "{year}年的数据尚不完整：已申报的设施不足上一个完整年份的 90 %，或吨数不足其 80 %，各项数值只是部分结果。",
    ),
    "month_n": ("Month {n}", "{n}月"),
    "city": ("City", "市州"),
    "park": ("Park", "园区"),
    "material": ("Material", "物料"),
    "facility": ("Facility", "设施"),
    "kind": ("Kind", "类型"),
    "facility_kinds": ("Facility kinds", "设施类型"),
    "all_cities": ("All cities", "全部市州"),
    "all_parks": ("All parks", "全部园区"),
    "all_materials": ("All materials", "全部物料"),
    "all_kinds": ("All kinds", "全部类型"),
    "scope": ("Province, city or park", "范围（全省、市州或园区）"),
    "period": ("Period", "期间"),
    "source": ("From", "来源"),
    "target": ("To", "去向"),
    "quantity": ("Quantity", "数量"),
    "quantity_t": ("Quantity (t)", "数量（吨）"),
    "unit": ("Unit", "单位"),
    "uncertainty": ("Uncertainty", "不确定度"),
    "uncertainty_pct": ("Uncertainty (%)", "不确定度（%）"),
    "data_quality": ("Data quality", "数据质量"),
    "quality_measured": ("measured", "实测"),
    "quality_calculated": ("calculated", "核算"),
    "quality_estimated": ("estimated", "估算"),
    "quality_unknown": ("unknown (no quantity)", "未知（无数量）"),
    "note": ("Note", "备注"),
    "reference": ("Reference", "数据来源"),
    "indicator": ("Indicator", "指标"),
    "value": ("Value", "数值"),
    "share": ("Share", "占比"),
    "delta_points": ("{value} pp", "{value} 个百分点"),
    "rate_no_base": ("n/a", "不适用"),
    "rate_no_base_help": (
        "No bulk solid waste was generated in this scope and year, so the rate has no base.",
        "该范围本年度没有大宗工业固废产生，利用率无从计算。",
    ),
    "vs_year": ("vs {year}", "较{year}年"),
    "type_to_search": ("Type to search …", "输入以搜索…"),
    "level": ("Show as", "汇总层级"),
    "level_facility": ("Facilities", "设施"),
    "level_park": ("Parks", "园区"),
    "level_city": ("Cities", "市州"),
    "level_kind": ("Facility kinds", "设施类型"),
}

_OVERVIEW: dict[str, tuple[str, str]] = {
    "overview_title": ("Progress against the targets", "目标进展总览"),
    "overview_caption": (
        "The 14th Five-Year targets, where the province, a city or a park stands, and who is behind.",
        "“十四五”目标完成情况：全省、市州或园区的进展，以及差距所在。",
    ),
    "key_figures": ("Key figures · {scope} · {year}", "关键指标 · {scope} · {year}年"),
    "targets_title": ("Targets", "目标"),
    "province_targets_title": ("Province targets (no targets are set for this scope)", "全省目标（该范围未设目标）"),
    "on_track": ("On track", "进度正常"),
    "behind": ("Behind the path", "落后于进度"),
    "actual_in": ("Actual {year}", "{year}年实际"),
    "target_in": ("Target {year}", "{year}年目标"),
    "vs_path": ("vs the path", "对比进度要求"),
    "path_value": ("path for {year}: {value}", "{year}年进度要求 {value}"),
    "progress_text": ("{pct} of the target", "已完成目标的 {pct}"),
    "needed_per_year": ("{value} more needed each year", "每年还需增加 {value}"),
    "reached_already": ("reached on the current trend", "按当前趋势已达到"),
    "reached_in": ("reached in {year} on the current trend", "按当前趋势将于{year}年达到"),
    "not_reached": ("not reached on the current trend (projected {value})", "按当前趋势无法达到（预计 {value}）"),
    "reported_value": ("reported value", "采用填报值"),
    "targets_without_data": (
        "{n} targets without data (they need reported values)",
        "{n} 项目标暂无数据（需填报统计值）",
    ),
    "target_year": ("Target year", "目标年份"),
    "target_source": ("Source", "依据"),
    "target_value": ("Target", "目标值"),
    "source_green_plan": (
        "Hunan 14th FYP industrial green development plan",
        "《湖南省“十四五”工业绿色发展规划》",
    ),
    "trajectory_title": ("Trajectory and gap", "趋势与差距"),
    "trajectory_tab": ("Trajectory", "变化趋势"),
    "chart_actual": ("Actual", "实际值"),
    "chart_path": ("Path to the target", "目标进度线"),
    "chart_projection": ("Projection (trend of the last 5 years)", "趋势预测（近5年）"),
    "chart_target": ("Target", "目标"),
    "gap_title": ("Where the gap is", "差距在哪里"),
    "gap_caption": (
        "Each part is expected to deliver its share of the path (its share in the baseline year); red bars are "
        "behind, green ahead.",
        "按基准年占比分解目标进度，各部分应完成相应份额；红色为落后，绿色为超前。",
    ),
    "gap_by_city": ("By city", "按市州"),
    "gap_by_park": ("By park", "按园区"),
    "gap_by_material": ("By material", "按物料"),
    "gap_axis": ("Gap ({unit})", "差距（{unit}）"),
    "gap_left_out": (
        "The chart shows the {behind} furthest behind and the {ahead} furthest ahead; {n} in between are left out "
        "(the table lists every one).",
        "图中显示落后最多的 {behind} 个和超前最多的 {ahead} 个，中间 {n} 个未显示（表格列出全部）。",
    ),
    "gap_hover": ("gap {gap}, {share} of the total gap", "差距 {gap}，占总差距 {share}"),
    "gap_unavailable": (
        "Gap attribution is available for the province's flow-based targets.",
        "差距分解仅适用于全省基于物质流的目标。",
    ),
    "gap_no_part": ("This scope has no share of this target.", "该范围在此目标中没有份额。"),
    "gap_part_text": (
        "Its share of the province path is **{expected}**; it delivered **{actual}**.",
        "按全省进度应完成 **{expected}**，实际完成 **{actual}**。",
    ),
    "part": ("Part", "组成部分"),
    "actual_t": ("Actual", "实际"),
    "expected_t": ("Expected", "应完成"),
    "gap_t": ("Gap", "差距"),
    "share_of_gap": ("Share of gap", "占总差距"),
}

_FLOWS: dict[str, tuple[str, str]] = {
    "flows_title": ("Material flows", "物质流分析"),
    "flows_caption": (
        "Filter the flows, then see them as a Sankey diagram or a table, and check balance, loops and fate.",
        "筛选流量，以桑基图或表格查看，并检查物料平衡、循环回路与去向。",
    ),
    "flows_shown": ("Flows shown", "流量条数"),
    "facilities_shown": ("Facilities", "涉及设施"),
    "balance_warnings": ("Balance warnings", "平衡预警"),
    "balance_warnings_help": (
        "Facilities whose in- and outflows differ by more than {tol:.0f} %",
        "进出量相差超过 {tol:.0f}% 的设施",
    ),
    "balance_warning_text": (
        "{n} facilities shown are out of balance by more than {tol}: see Mass balance.",
        "有 {n} 个设施进出不平衡（超过 {tol}），详见“物料平衡”。",
    ),
    "view": ("View", "视图"),
    "view_sankey": ("Sankey diagram", "桑基图"),
    "view_table": ("Table", "明细表"),
    "view_balance": ("Mass balance", "物料平衡"),
    "view_loops": ("Loops", "循环回路"),
    "view_trace": ("Fate", "去向追踪"),
    "collapse_below": ("Merge nodes below this share", "合并占比低于此值的节点"),
    "fixed_scale": ("Fixed scale", "固定比例"),
    "fixed_scale_help": (
        "Keep the same tonnes per pixel while you change the filters, so diagrams can be compared.",
        "切换筛选条件时保持相同的吨/像素比例，便于比较不同图。",
    ),
    "scale_t": ("Scale (t)", "比例尺（吨）"),
    "scale_not_kept": (
        "The fixed scale does not fit this diagram (fullest column {span}); drawn at the largest scale that fits.",
        "固定比例放不下此图（最大列 {span}），已按能容纳的最大比例绘制。",
    ),
    "sankey_caption": (
        "Drawn: {total}; inside nodes (not drawn): {internal}; loops: {loops}. Hover for the materials.",
        "图中流量 {total}；节点内部流动（未绘出）{internal}；回流 {loops}。悬停可查看物料明细。",
    ),
    "table_capped": (
        "Showing the {shown} largest of {n} flows; the export holds them all.",
        "显示最大的 {shown} 条（共 {n} 条）；导出包含全部。",
    ),
    "tolerance": ("Tolerance", "容差"),
    "only_warnings": ("Only facilities out of balance", "仅显示不平衡的设施"),
    "all_balanced": ("Every facility shown is balanced within the tolerance.", "所示设施均在容差范围内平衡。"),
    "balance_caption": (
        "Imbalance = inflow − outflow − stock change, relative to the larger of inflow and outflow.",
        "不平衡量 = 流入 − 流出 − 库存变化，相对值以流入、流出中较大者为基准。",
    ),
    "inflow_t": ("Inflow (t)", "流入（吨）"),
    "outflow_t": ("Outflow (t)", "流出（吨）"),
    "stock_change_t": ("Stock change (t)", "库存变化（吨）"),
    "imbalance_t": ("Imbalance (t)", "不平衡量（吨）"),
    "relative_imbalance": ("Relative", "相对不平衡"),
    "status": ("Status", "状态"),
    "status_source": ("source", "产生源"),
    "status_boundary": ("outside the province", "省外"),
    "status_inactive": ("inactive", "无流量"),
    "status_balanced": ("balanced", "平衡"),
    "status_sink": ("sink (no outflow)", "只进不出"),
    "status_no_input": ("outflow without inflow", "只出不进"),
    "status_imbalanced": ("imbalanced", "不平衡"),
    "no_loops": ("No loops in these flows.", "这些流量中没有循环回路。"),
    "loop": ("Loop", "回路"),
    "loop_length": ("Steps", "环节数"),
    "loop_tonnes": ("Up to", "最多循环量"),
    "loops_caption": (
        "A loop carries at most its smallest link. The largest loops of up to {length} steps are listed "
        "(at most {n:,} cycles examined).",
        "回路的循环量不超过其最小一段流量。列出最多 {length} 个环节的最大回路（最多检查 {n:,} 个回路）。",
    ),
    "trace_what": ("Trace", "追踪对象"),
    "trace_facility": ("A facility", "设施"),
    "trace_park": ("A park", "园区"),
    "trace_material": ("A material", "物料"),
    "trace_backward": ("Backward: where it comes from", "反向：追溯来源"),
    "trace_nothing": ("Nothing to trace with these filters.", "当前筛选条件下没有可追踪的对象。"),
    "trace_failed": ("Cannot trace: {reason}", "无法追踪：{reason}"),
    "trace_empty": ("Nothing leaves it in this year.", "该年没有流出。"),
    "trace_by_kind": ("Ends in, by facility kind", "最终去向（按设施类型）"),
    "trace_where": ("Where it ends", "最终去向（按设施）"),
}

_ENTER: dict[str, tuple[str, str]] = {
    "enter_title": ("Enter data", "数据填报"),
    # the command line's import report (mfa --language zh import ...)
    "cli_file": ("file", "文件"),
    "cli_row": ("row", "行"),
    "cli_column": ("column", "列"),
    "cli_value": ("value", "值"),
    "cli_reason": ("reason", "原因"),
    "cli_problems": ("{n} problem(s)", "{n} 处问题"),
    "cli_more": ("... and {n} more", "……另有 {n} 处"),
    "cli_error_report": ("error report: {path}", "错误报告：{path}"),
    "cli_rejected_rows": ("rejected rows: {path}", "被拒绝的行：{path}"),
    "cli_dry_run": ("dry run: read {counts}; nothing written", "仅校验：读取 {counts}；未写入"),
    "cli_imported": ("imported {counts}", "已导入 {counts}"),
    "cli_rejected": ("; rejected {n} row(s)", "；拒绝 {n} 行"),
    "cli_nothing_written": (
        "nothing written: fix the rows above, or use `--accept-valid` to write the valid rows",
        "未写入：请修正以上各行，或用 `--accept-valid` 只写入正确的行",
    ),
    "reads_only": (
        "You are signed in as {name}, an analyst: analysts read the data but do not enter or import it. If you "
        "need to write data, ask your administrator for a park manager account.",
        "您以 {name}（分析员）身份登录：分析员可以查看数据，但不能填报或导入。"
        "如需填报数据，请联系管理员开通园区管理员账号。",
    ),
    "enter_caption": (
        "Add or correct a flow, a facility or a park. Every entry is checked like an imported file.",
        "新增或修改流量、设施、园区。每条记录都按导入文件的规则校验。",
    ),
    "tab_flow": ("Flow", "流量"),
    "tab_facility": ("Facility", "设施"),
    "tab_park": ("Park", "园区"),
    "save_flow": ("Save flow", "保存流量"),
    "save_changes": ("Save changes", "保存修改"),
    "save": ("Save", "保存"),
    "flows_saved": ("Flow saved.", "流量已保存。"),
    "facilities_saved": ("Facility saved.", "设施已保存。"),
    "parks_saved": ("Park saved.", "园区已保存。"),
    "not_saved": ("Not saved: {n} problem(s), shown under the fields.", "未保存：{n} 处问题，见各字段下方。"),
    "editing": ("Editing the flow {key}; saving replaces it.", "正在修改流量 {key}；保存后将替换原记录。"),
    "edit_title": ("Edit or delete a recorded flow", "修改或删除已有流量"),
    "edit_hint": ("Choose a facility to list its flows of the year.", "选择一个设施以列出其当年的流量。"),
    "no_flows_of": ("{facility} has no flows in {year}.", "{facility} 在{year}年没有流量。"),
    "flow": ("Flow", "流量"),
    "edit": ("Edit", "修改"),
    "delete": ("Delete", "删除"),
    "confirm_delete": (
        "Delete the flow {key}? Its last version stays in the History page, where it can be restored.",
        "确定删除流量 {key}？删除前的版本保留在“修改记录”页，可随时恢复。",
    ),
    "yes_delete": ("Yes, delete", "确定删除"),
    "cancel": ("Cancel", "取消"),
    "flow_deleted": ("Flow deleted.", "流量已删除。"),
    "flow_gone": ("That flow no longer exists.", "该流量已不存在。"),
    "facility_existing": ("Edit an existing facility (or leave empty for a new one)", "修改已有设施（留空则新增）"),
    "parkform_existing": ("Edit an existing park (or leave empty for a new one)", "修改已有园区（留空则新增）"),
    "new_record": ("New", "新增"),
    "field_code": ("Code", "代码"),
    "field_name": ("Name (English)", "英文名称"),
    "field_name_zh": ("Name (Chinese)", "中文名称"),
    "no_park": ("No park (boundary only)", "不属于园区（仅限省外）"),
    "park_level_national": ("national", "国家级"),
    "park_level_provincial": ("provincial", "省级"),
    "park_level_other": ("other", "其他"),
}

_IMPORT: dict[str, tuple[str, str]] = {
    "import_title": ("Import files", "批量导入"),
    "import_caption": (
        "Upload CSV or XLSX files (parks, facilities, materials, flows, stocks, targets), in any order, as one import.",
        "上传 CSV 或 XLSX 文件（园区、设施、物料、流量、库存、目标），顺序不限，作为一个事务导入。",
    ),
    "templates_title": ("Tables, columns and blank templates", "表格、列名与空白模板"),
    "templates_caption": (
        "A CSV holds one table, recognised from its header (English or Chinese column names); an XLSX workbook holds "
        "one table per sheet. Each template has the column headers and one example row to replace with your data.",
        "每个 CSV 文件一张表，按表头识别（列名可用中文或英文）；XLSX 文件每个工作表一张表。模板含列名和一行示例，"
        "请替换为实际数据。",
    ),
    "required_columns": ("Required columns", "必填列"),
    "other_columns": ("Other columns", "其他列"),
    "template_workbook": ("All tables .xlsx", "全部表格 .xlsx"),
    "upload_label": ("Files to import", "选择要导入的文件"),
    "upload_help": (
        "CSV in UTF-8 or GBK; XLSX with one sheet per table. At most {mb} MB per file (larger files: `mfa import`).",
        "CSV 可为 UTF-8 或 GBK 编码；XLSX 每个工作表一张表。每个文件最大 {mb} MB（更大的文件请用 `mfa import` 导入）。",
    ),
    "preview_title": ("{file} → {table} · {n} rows", "{file} → {table} · {n} 行"),
    "preview_title_one": ("{file} → {table} · 1 row", "{file} → {table} · 1 行"),
    "import_mode": ("When some rows are bad", "有错误行时"),
    "mode_all_or_nothing": ("write nothing", "全部不写入"),
    "mode_accept_valid": ("write the valid rows", "写入正确的行"),
    "dry_run": ("Dry run (only validate)", "仅校验（不写入）"),
    "dry_run_help": ("Check every row without writing anything.", "检查每一行，但不写入数据库。"),
    "validate": ("Validate", "校验"),
    "import_button": ("Import", "导入"),
    "importing": ("Importing …", "正在导入…"),
    "dry_run_result": (
        "Dry run: {n} problem(s) found; nothing was written.",
        "校验完成：发现 {n} 处问题；未写入任何数据。",
    ),
    "import_done": ("Imported: {written}.", "导入完成：{written}。"),
    "import_partial": ("{n} problem(s): those rows were left out.", "{n} 处问题：相应行未导入。"),
    "import_refused": (
        "Nothing was written: {n} problem(s). Fix them, or choose to write the valid rows.",
        "未写入任何数据：{n} 处问题。请修正，或选择写入正确的行。",
    ),
    "table": ("Table", "表"),
    "rows_read": ("Read", "读取"),
    "rows_written": ("Written", "写入"),
    "rows_rejected": ("Rejected", "拒绝"),
    "errors_title": ("Every problem ({n})", "全部问题（{n}）"),
    "file": ("File", "文件"),
    "row": ("Row", "行"),
    "column": ("Column", "列"),
    "reason": ("Reason", "原因"),
    "download_errors": ("Problems (.csv)", "问题清单（.csv）"),
    "download_rejected": ("Rejected rows of {file} ({n}, .csv)", "{file} 的被拒绝行（{n} 行，.csv）"),
}

_LAYOUT: dict[str, tuple[str, str]] = {
    "understanding_title": ("What mfa read in the files", "mfa 对文件的理解"),
    "mapping_help": (
        "What each column is read as. Change a column's reading if it is wrong; the mapping you import with is "
        "remembered for your park and proposed again for files with the same headers.",
        "每一列的读取方式。如有误可修改；导入时使用的对应关系会为您的园区保存，下次遇到相同表头的文件时自动采用。",
    ),
    "layout_skip_kind": ("Why", "原因"),
    "preview_flows": ("First records as they will be stored", "将写入的前几条记录"),
    "preview_value": ("As written", "原值"),
    "preview_unit": ("Unit", "单位"),
    "preview_tonnes": ("Tonnes", "吨"),
    "mapping_remembered": (
        "Column mapping remembered for files with these headers.",
        "已保存此表头的列对应关系。",
    ),
    "layout_table": ("{file} → {table}: header on row {row}", "{file} → {table}：表头在第 {row} 行"),
    "layout_unit": ("unit {unit} (from the {where})", "单位 {unit}（来自{where}）"),
    "layout_period": ("period {period} (from the {where})", "期间 {period}（来自{where}）"),
    "from_title": ("title block", "标题"),
    "from_header": ("quantity header", "数量列表头"),
    "from_sheet": ("sheet name", "工作表名"),
    "layout_records": ("records read: {n}", "读取记录：{n} 条"),
    "layout_empty_cells": ("{n} month cells empty, 0 or a dash (no flow)", "{n} 个月份单元格为空、0 或横线（无流量）"),
    "layout_remembered": (
        "The column mapping confirmed for these headers is used.",
        "已采用为此表头确认过的列对应关系。",
    ),
    "layout_columns": ("Columns", "列"),
    "layout_row": ("row {row}", "第 {row} 行"),
    "layout_header_row": ("header on row {row}", "表头在第 {row} 行"),
    "layout_column": ("Column", "列名"),
    "layout_field": ("Read as", "读作"),
    "layout_skipped": ("Rows not imported", "未导入的行"),
    "layout_title": ("Title block", "标题"),
    "layout_problem": ("Cannot be read", "无法读取"),
    "not_used": ("(not used)", "（不使用）"),
    "role_year": ("year", "年份"),
    "role_month": ("month", "月份"),
    "role_total": ("year total (checked, not imported)", "全年合计（仅核对，不导入）"),
    "role_month_n": ("month {month}", "{month}月"),
    "role_year_month": ("month {period}", "{period} 月"),
    "skip_total": ("totals row: checked, not imported", "合计行：已核对，不导入"),
    "skip_subtotal": ("subtotal row: checked, not imported", "小计行：已核对，不导入"),
    "skip_subset": ('"of which" row (part of the row above): not imported', "其中行（属于上一行的一部分）：不导入"),
    "skip_note": ("note: not imported", "注释：不导入"),
}

_EXPORT: dict[str, tuple[str, str]] = {
    "export_title": ("Export", "导出"),
    "export_caption": (
        "What is exported is what the Flows page shows: the same filters and diagram options.",
        "导出内容与“物质流”页面所示一致：相同的筛选条件和图形设置。",
    ),
    "export_sankey": ("Sankey diagram", "桑基图"),
    "export_sankey_caption": (
        "HTML stays interactive and works offline; SVG and PDF are vector graphics for reports, laid out at their own "
        "width for print; JSON holds the nodes and links (returns marked), as d3-sankey reads them.",
        "HTML 可交互且可离线使用；SVG 和 PDF 为矢量图，按打印宽度排版，适合报告；"
        "JSON 含节点和连线数据（回流已标注），可供 d3-sankey 读取。",
    ),
    "export_flows": ("Flows", "流量明细"),
    "export_flows_caption": (
        "{n} flows ({what}) in the import columns, quantities in tonnes: the files import again as they are.",
        "{n} 条流量（{what}），采用导入格式、数量以吨计：文件可直接重新导入。",
    ),
    "export_people": ("XLSX to read", "XLSX（阅读版）"),
    "export_people_caption": (
        "To read and paste from: names beside the codes, headers in this language, a sheet per table (flows, "
        "facilities, parks, materials), tonnes to 0.1 t. The CSV, XLSX and Parquet files import again as they are.",
        "供阅读和复制：代码旁附名称，表头为当前语言，每张表一个工作表（流量、设施、园区、物料），数量精确到 0.1 吨。"
        "CSV、XLSX 和 Parquet 文件可直接重新导入。",
    ),
    "export_indicators_rounding": (
        "Tonnes to 0.1 t, rates and shares as percentages to 0.1 %.",
        "吨数精确到 0.1 吨，比率和占比以百分数表示，精确到 0.1 %。",
    ),
    "export_indicators": ("Indicator summary", "指标汇总"),
    "export_indicators_caption": ("{scope}, {period}.", "{scope}，{period}。"),
}

_RECONCILIATION: dict[str, tuple[str, str]] = {
    "reconciled_values": ("Reconciled values", "校核后数值"),
    "reconciled_help": (
        "Show quantities as reconciled (saved on the Reconciliation page) where there are any, else as reported.",
        "有校核结果（在“数据校核”页保存）的流量按校核值显示，其余按填报值显示。",
    ),
    "rec_title": ("Data reconciliation", "数据校核"),
    "rec_caption": (
        "Adjust the reported flows of a year as little as their uncertainties allow so that every facility that "
        "should balance does, estimate unknown flows, and find the reports that are most likely wrong.",
        "在不确定度允许的范围内最小幅度地调整全年填报流量，使应平衡的设施达到物料平衡，估算未知流量，并找出最可能有误的填报。",
    ),
    "rec_park": ("Park (optional)", "园区（可选）"),
    "rec_run": ("Reconcile", "开始校核"),
    "rec_save": ("Save reconciled values", "保存校核结果"),
    "rec_saved": ("Saved reconciled values for {n} flows.", "已保存 {n} 条流量的校核值。"),
    "rec_links": ("Links", "流向数"),
    "rec_balanced": ("Balanced facilities", "平衡约束设施"),
    "rec_chi2": ("Chi-square (dof)", "卡方（自由度）"),
    "rec_p": ("p-value", "p 值"),
    "rec_p_after": ("p after removing suspects", "剔除可疑值后 p 值"),
    "rec_flagged": ("Flagged flows", "被标记的流量"),
    "rec_none_flagged": ("No flow is flagged.", "没有被标记的流量。"),
    "rec_all": ("All reconciled links", "全部校核结果"),
    "rec_sankey": ("Sankey diagram of the reconciled values", "校核后桑基图"),
    "rec_sankey_reported": ("Sankey diagram of the reported values", "填报值桑基图"),
    "rec_not_saved": (
        "Nothing saved for this year yet: the diagram shows reported values. Save to see the reconciled ones.",
        "本年度尚未保存校核结果：图中为填报值。保存后可查看校核值。",
    ),
    "rec_warnings": ("Warnings", "提示"),
    "rec_flag": ("Flag", "标记"),
    "reported": ("Reported (t)", "填报值（吨）"),
    "reconciled": ("Reconciled (t)", "校核值（吨）"),
    "normalized_residual": ("Normalized residual", "标准化残差"),
}

_DIAGRAM: dict[str, tuple[str, str]] = {
    "sankey_in": ("in {tonnes}", "流入 {tonnes}"),
    "sankey_out": ("out {tonnes}", "流出 {tonnes}"),
    "sankey_inside": ("inside (not drawn) {tonnes}", "内部流动（未绘出） {tonnes}"),
    "sankey_merged": ("{n} smaller nodes", "合并 {n} 个较小节点"),
    "sankey_mainly": ("mainly {kind}", "以{kind}为主"),
    "sankey_empty": ("No flows to draw for this selection", "所选范围内没有可绘制的流量"),
}

_SANKEY: dict[str, tuple[str, str]] = {
    "sankey_other": ("Other ({n})", "其他（{n}）"),
    "sankey_other_kind": ("Other {kind} ({n})", "其他{kind}（{n}）"),
    "sankey_from_outside": ("From outside the province", "省外流入"),
    "sankey_to_outside": ("To outside the province", "流出省外"),
    "sankey_province": ("Hunan province", "湖南省"),
    "sankey_title": ("Material flows, {scope}, {period}, {by}", "{scope}{period}年物质流向（{by}）"),
    "sankey_title_month": ("Material flows, {scope}, {period}, {by}", "{scope}{period}物质流向（{by}）"),
    "sankey_by_kind": ("by facility kind", "按设施类型"),
    "sankey_by_facility": ("by facility", "按设施"),
    "sankey_by_park": ("by park", "按园区"),
    "sankey_by_city": ("by city", "按市州"),
    "sankey_od": ("origin → destination", "来源 → 去向"),
    "sankey_note": (
        "Source: mfa database {db} · {period} · {scope} · {values} · drawn {date}",
        "数据来源：mfa 数据库 {db} · {period} · {scope} · {values} · 绘制于 {date}",
    ),
    "sankey_reported": ("reported values", "填报值"),
    "sankey_reconciled": ("reconciled values where saved", "校核值（已保存的）"),
    "sankey_not_drawn_kind": ("not drawn: {tonnes} between facilities of one kind", "未绘出：同类设施之间 {tonnes}"),
    "sankey_not_drawn_park": ("not drawn: {tonnes} inside one park", "未绘出：园区内部 {tonnes}"),
    "sankey_not_drawn_city": ("not drawn: {tonnes} inside one city", "未绘出：市州内部 {tonnes}"),
    "sankey_not_drawn_facility": ("not drawn: {tonnes} inside merged nodes", "未绘出：合并节点内部 {tonnes}"),
    "sankey_view": ("Drawn as", "绘制方式"),
    "sankey_view_auto": ("Default", "默认"),
    "sankey_view_stages": ("Stages", "环节"),
    "sankey_view_od": ("Origin → destination", "来源 → 去向"),
    "sankey_view_network": ("Network", "网络"),
    "sankey_order": ("Node order", "节点顺序"),
    "sankey_order_auto": ("Default", "默认"),
    "sankey_order_tonnes": ("By tonnes", "按吨数"),
    "sankey_order_name": ("By name", "按名称"),
    "sankey_order_list": ("Put first (in this order)", "置顶（按此顺序）"),
    "sankey_order_help": (
        "Default: stages by facility kind, fewest crossings; origin → destination by tonnes. Other is always last.",
        "默认：环节图按设施类型并尽量减少交叉；来源→去向图按吨数。“其他”总在最后。",
    ),
    "link_pick": ("Flows behind a link", "某一流向的明细"),
    "link_pick_help": (
        "Click a band of the diagram or choose a link here to see the flows it is made of.",
        "点击图中的流带，或在此选择一条流向，查看其明细。",
    ),
    "link_none": ("Choose a link", "选择一条流向"),
    "link_caption": (
        "{n} flows, {tonnes}: facility to facility, by month",
        "{n} 条流量，共 {tonnes}：逐设施、逐月",
    ),
    "link_too_many": ("The first {shown} of {n} flows, largest first", "按数量从大到小显示前 {shown} 条（共 {n} 条）"),
    "link_none_found": ("No flows behind this link for the current filters.", "当前筛选下该流向没有明细。"),
    "source_name": ("From (name)", "来源名称"),
    "target_name": ("To (name)", "去向名称"),
    "material_name": ("Material (name)", "物料名称"),
    "history_link": ("History", "历史"),
    "history_open": ("open", "查看"),
}

_OUTLOOK: dict[str, tuple[str, str]] = {
    "page_outlook": ("Outlook", "退役预测"),
    "outlook_title": ("What will come back", "退役量预测"),
    "outlook_caption": (
        "Retirements of products in use forecast with a dynamic stock model (inflows into use and lifetimes), beside "
        "the recorded retirements, against the capacity that can take them, with the metals retired batteries hold.",
        "基于动态存量模型（投入使用量与使用寿命）预测在用产品的退役量，与已记录的退役量对照，并与可承接的处理能力比较，"
        "同时给出退役电池中可回收的金属量。",
    ),
    "outlook_product": ("Product", "产品"),
    "outlook_scope": ("Scope", "范围"),
    "outlook_until": ("Forecast until", "预测至"),
    "outlook_convention": ("Inflow enters use", "投入使用时点"),
    "convention_middle": ("mid-year", "年中"),
    "convention_start": ("start of year", "年初"),
    "convention_end": ("end of year", "年末"),
    "convention_caption_middle": (
        "Time convention (flodym's default): a year's inflow enters use at mid-year and the stock is counted at the "
        "year's end: `stock(y) = Σ inflow(c) · S(y − c + 0.5)`.",
        "时间约定（flodym 默认）：当年投入量在年中进入使用，存量按年末计：`存量(y) = Σ 投入量(c) · S(y − c + 0.5)`。",
    ),
    "convention_caption_start": (
        "Time convention: a year's inflow enters use at the start of the year: "
        "`stock(y) = Σ inflow(c) · S(y − c + 1)`.",
        "时间约定：当年投入量在年初进入使用：`存量(y) = Σ 投入量(c) · S(y − c + 1)`。",
    ),
    "convention_caption_end": (
        "Time convention (the older ODYM one): a year's inflow enters use at the end of the year: "
        "`stock(y) = Σ inflow(c) · S(y − c)`.",
        "时间约定（旧版 ODYM）：当年投入量在年末进入使用：`存量(y) = Σ 投入量(c) · S(y − c)`。",
    ),
    "outlook_no_inflows": (
        "No inflows yet: import the inflows, lifetimes and capacities tables to forecast retirements.",
        "尚无投入使用数据：请导入“投入使用”“使用寿命”“处理能力”表后再进行退役预测。",
    ),
    "outlook_cannot": ("The forecast cannot be made: {reason}", "无法进行预测：{reason}"),
    "province_name": ("Hunan province", "湖南省"),
    "outlook_retired": ("Retirements", "退役量"),
    "outlook_recorded": ("Recorded retirements", "已记录退役量"),
    "outlook_capacity": ("Capacity that can take them", "可承接的处理能力"),
    "outlook_band": ("Range (low and high lifetimes)", "区间（寿命低值与高值）"),
    "outlook_axis": ("{unit} per year", "{unit}/年"),
    "outlook_chart_title": ("{product} · {scope}", "{product} · {scope}"),
    "outlook_retired_in": ("Retirements {year}", "{year}年退役量"),
    "outlook_capacity_in": ("Capacity {year}", "{year}年处理能力"),
    "outlook_runs_out": ("Capacity runs out", "处理能力不足始于"),
    "outlook_runs_out_value": ("{year}", "{year}年"),
    "outlook_runs_out_never": ("not by {year}", "{year}年前不会"),
    "outlook_runs_out_none": ("no capacity recorded", "无处理能力记录"),
    "outlook_runs_out_range": ("low–high lifetimes: {low} – {high}", "寿命低值–高值：{low} – {high}"),
    "outlook_ratio_help": ("recorded ÷ modelled retirements", "已记录退役量 ÷ 模型退役量"),
    "outlook_table": ("Year by year", "逐年数据"),
    "col_year": ("Year", "年份"),
    "col_inflow": ("Put into use (t)", "投入使用量（吨）"),
    "col_stock": ("In use (t)", "在用存量（吨）"),
    "col_outflow": ("Retirements (t)", "退役量（吨）"),
    "col_outflow_low": ("Retirements, low (t)", "退役量低值（吨）"),
    "col_outflow_high": ("Retirements, high (t)", "退役量高值（吨）"),
    "col_recorded": ("Recorded (t)", "已记录（吨）"),
    "col_ratio": ("Recorded ÷ modelled", "记录/模型"),
    "col_capacity": ("Capacity (t)", "处理能力（吨）"),
    "col_shortfall": ("Shortfall (t; negative: spare)", "能力缺口（吨；负值为富余）"),
    "outlook_metals": ("Metals in the retirements", "退役电池中的金属"),
    "outlook_metals_caption": (
        "Recoverable tonnes: content per tonne of pack (Argonne BatPaC, by chemistry) × the minimum recovery rates "
        "of white-listed recyclers (MIIT 2024: lithium 90 %, nickel, cobalt, manganese 98 %).",
        "可回收量（吨）= 每吨电池包含量（阿贡实验室 BatPaC，按化学体系）× 白名单企业最低回收率"
        "（工信部2024年版规范条件：锂 90%，镍、钴、锰 98%）。",
    ),
    "metal_li": ("Lithium (t)", "锂（吨）"),
    "metal_ni": ("Nickel (t)", "镍（吨）"),
    "metal_co": ("Cobalt (t)", "钴（吨）"),
    "metal_mn": ("Manganese (t)", "锰（吨）"),
    "outlook_note_gap": (
        "{product}: no inflows in {years} (counted as none put into use).",
        "{product}：{years}年无投入使用数据（按零计）。",
    ),
    "outlook_note_ends": (
        "{product}: inflows end in {last}; {first}–{until} count no new products put into use (import projected "
        "inflows to see them).",
        "{product}：投入使用数据止于{last}年，{first}–{until}年按无新投入计（可导入预测投入量）。",
    ),
    "outlook_downloads": ("Download", "下载"),
    "outlook_calibrate": ("Calibrate the lifetime", "校准使用寿命"),
    "outlook_calibrate_caption": (
        "Fit the lifetime's scale (Weibull, for its shape) or mean (for its std) to the recorded retirements of this "
        "scope by least squares. Nothing is saved until you save it.",
        "以最小二乘法按本范围的已记录退役量拟合寿命的尺度参数（威布尔分布，形状参数不变）或均值（标准差不变）。"
        "点击保存前不会写入。",
    ),
    "outlook_calibrate_run": ("Fit", "拟合"),
    "outlook_fitted": ("Fitted lifetime (factor {factor})", "拟合后的寿命（系数 {factor}）"),
    "outlook_residuals": (
        "Residuals (recorded − modelled), RMSE {rmse}",
        "残差（记录值 − 模型值），均方根误差 {rmse}",
    ),
    "outlook_at_bound": (
        "The best fit lies at the edge of the search range: check the inflows and the recorded flows.",
        "最优拟合位于搜索范围边界：请检查投入使用数据和已记录的流量。",
    ),
    "outlook_save": ("Save the fitted lifetime", "保存拟合后的寿命"),
    "outlook_saved": ("Saved the fitted lifetime of {products}.", "已保存 {products} 的拟合寿命。"),
    "col_owner": ("Lifetime of", "寿命所属"),
    "col_distribution": ("Distribution", "分布"),
    "col_first_cohort": ("First cohort", "起始批次"),
    "col_last_cohort": ("Last cohort", "截止批次"),
    "col_parameter": ("Parameter", "参数"),
    "col_before": ("Before", "拟合前"),
    "col_after": ("After", "拟合后"),
    "col_modelled": ("Modelled (t)", "模型值（吨）"),
    "col_residual": ("Residual (t)", "残差（吨）"),
}

_HANDOVERS: dict[str, tuple[str, str]] = {
    "side": ("Declared by", "申报方"),
    "side_sender": ("the sender", "移出方"),
    "side_receiver": ("the receiver", "接收方"),
    "side_own": ("my side", "本方"),
    "side_help": (
        "Whose declaration this is. Each side of a hand-over declares it once; neither replaces the other. "
        "Left as is: your park's side (sender when the source is in your park).",
        "本条数据是哪一方的申报。同一次交接，移出方和接收方各申报一次，互不覆盖。默认：本园区一方（来源在本园区时为移出方）。",
    ),
    "page_handovers": ("Hand-overs", "交接核对"),
    "handovers_title": ("Hand-overs: both sides' figures", "交接核对：移出方与接收方的申报"),
    "handovers_caption": (
        "Each hand-over between two facilities can be declared by the sender and by the receiver; neither figure "
        "replaces the other. Indicators use the agreed quantity: the one figure, or both weighed by their accuracy.",
        "两家单位之间的每次交接，可由移出方和接收方分别申报，互不覆盖。指标采用核定量：仅一方申报时取该值，双方申报时按精度加权。",
    ),
    "handovers_tolerance": ("Two figures agree within", "双方数据一致的容差"),
    "handovers_rule": (
        "Agreed: both declared and the difference is at most {tolerance} % of the larger figure (the US e-Manifest's "
        "10 % by default); disputed beyond it. Hand-overs with the province's boundary or inside one park have no "
        "counterpart to wait for.",
        "一致：双方均已申报且差额不超过较大值的 {tolerance} %（默认 10 %，参照美国危废电子联单）；超过即为有争议。"
        "与省外或同一园区内的交接无需等待对方申报。",
    ),
    "handovers_tab_confirm": ("To confirm ({n})", "待确认（{n}）"),
    "handovers_tab_awaiting": ("Awaiting the counterpart ({n})", "等待对方申报（{n}）"),
    "handovers_tab_disputed": ("Disputed ({n})", "有争议（{n}）"),
    "handovers_none_confirm": ("Nothing to confirm: every counterpart's declaration has yours.", "没有待确认的交接。"),
    "handovers_none_awaiting": ("No hand-over awaits a counterpart.", "没有等待对方申报的交接。"),
    "handovers_none_disputed": ("No disputed hand-over.", "没有有争议的交接。"),
    "handovers_own_t": ("Our figure (t)", "本方数量（吨）"),
    "handovers_counterpart_t": ("Their figure (t)", "对方数量（吨）"),
    "handovers_sender_t": ("Sender (t)", "移出方（吨）"),
    "handovers_receiver_t": ("Receiver (t)", "接收方（吨）"),
    "handovers_agreed_t": ("Agreed (t)", "核定量（吨）"),
    "handovers_difference_pct": ("Difference (%)", "差额（%）"),
    "handovers_confirm": ("Confirm their figure as ours", "确认对方数量为本方申报"),
    "handovers_pick": ("Hand-over to confirm", "选择要确认的交接"),
    "handovers_confirm_help": (
        "Writes your side's declaration of the chosen hand-over with the counterpart's figure; it is kept in the "
        "history like any edit.",
        "以对方的数量写入本方对所选交接的申报；与其他修改一样记入历史。",
    ),
    "handovers_confirmed": ("Confirmed: {key}", "已确认：{key}"),
    "handovers_awaiting_caption": (
        "The counterpart lies in another park and has not declared yet.",
        "对方在其他园区，尚未申报。",
    ),
    "handovers_status_agreed": ("Agreed", "一致"),
    "handovers_status_disputed": ("Disputed", "有争议"),
    "handovers_status_sender_only": ("Sender only", "仅移出方"),
    "handovers_status_receiver_only": ("Receiver only", "仅接收方"),
    "handovers_awaiting": ("Awaiting a counterpart", "等待对方申报"),
    "handovers_disputed_t": ("Disputed (agreed t)", "争议交接核定量（吨）"),
    "handovers_count": ("Hand-overs", "交接数"),
    "handovers_by_park": ("By park", "按园区"),
    "handovers_by_city": ("By city", "按城市"),
    "handovers_disputed_list": ("Disputed hand-overs", "有争议的交接"),
    "rests_on_flagged": ("{pct} on flows the reconciliation flags", "{pct} 来自数据协调标记为可疑的流量"),
    "rests_on_disputed": ("{pct} on disputed hand-overs", "{pct} 来自有争议的交接"),
    "rests_on_one_sided": ("{pct} declared by one side only", "{pct} 仅一方申报"),
    "rests_on_estimated": ("{pct} estimated", "{pct} 为估算值"),
    "rests_on_unknown_quality": ("{pct} of unstated quality", "{pct} 未注明数据质量"),
    "rests_on_checking": ("checking against the reconciliation…", "正在与数据协调结果核对……"),
    "rests_on_help": (
        "The share of this figure that rests on flows a reconciliation of the year flags as suspect (a likely "
        "gross error), on hand-overs whose two sides disagree (beyond 10 %) or between two parks where only one "
        "side has declared yet, on estimated figures and on figures whose data quality is not stated. "
        "'Which flows' lists them.",
        "本数值中来自以下流量的比例：年度数据协调标记为可疑（可能存在粗大误差）的流量、双方申报不一致（超过 10 %）的"
        "交接、跨园区但仅一方申报的交接、估算值，以及未注明数据质量的数值。“哪些流量”列出明细。",
    ),
    "concerned_flows": ("Which flows", "哪些流量"),
    "concerned_flows_title": (
        "{n} flow(s) behind {indicator} that deserve a second look, largest first",
        "{indicator}背后值得复核的 {n} 条流量（按数量从大到小）",
    ),
    "concerns": ("Why", "原因"),
    "concern_flagged": ("flagged by reconciliation", "数据协调标记"),
    "concern_disputed": ("disputed", "有争议"),
    "concern_one_sided": ("one side only", "仅一方申报"),
    "concern_estimated": ("estimated", "估算"),
    "concern_unknown_quality": ("quality not stated", "未注明质量"),
    "see_reconciliation": ("Reconciliation of the year", "查看本年度数据协调"),
    "see_handovers": ("Hand-overs behind these figures", "查看这些数值背后的交接"),
}

_VERDICT_AND_COEFFICIENTS: dict[str, tuple[str, str]] = {
    # the reconciliation in plain words (mfa.domain.reconciliation.wording)
    "rec_verdict": ("Verdict", "结论"),
    "rec_stats": ("Statistics", "统计检验"),
    "verdict_consistent": (
        "The reports of {year} add up: no report stands out.",
        "{year} 年的报告相互吻合：没有可疑的报告。",
    ),
    "verdict_untestable": (
        "Nothing in {year} can be checked: no balanced facility has both recorded inflows and outflows.",
        "{year} 年无法校核：没有既有流入记录又有流出记录的平衡设施。",
    ),
    "verdict_inconsistent": (
        "The reports of {year} do not add up, but no single report stands out: several small errors, or a flow "
        "nobody reported.",
        "{year} 年的报告不能相互吻合，但没有单独突出的可疑报告：可能有多处小误差，或有未填报的流量。",
    ),
    "verdict_reports": (
        "{n} reports of {year} are probably wrong{cause}. Check them.",
        "{year} 年有 {n} 条报告可能有误{cause}。请核查。",
    ),
    "verdict_reports_one": (
        "1 report of {year} is probably wrong{cause}. Check it.",
        "{year} 年有 1 条报告可能有误{cause}。请核查。",
    ),
    "verdict_mixed": (
        "{total} things to check in {year}: {parts}{cause}.",
        "{year} 年有 {total} 处需要核查：{parts}{cause}。",
    ),
    "verdict_mixed_one": ("1 thing to check in {year}: {parts}{cause}.", "{year} 年有 1 处需要核查：{parts}{cause}。"),
    "verdict_part_reports": ("{n} reports probably wrong", "{n} 条报告可能有误"),
    "verdict_part_reports_one": ("1 report probably wrong", "1 条报告可能有误"),
    "verdict_part_groups": (
        "{n} groups of reports the balances cannot tell apart",
        "{n} 组平衡关系无法区分的报告",
    ),
    "verdict_part_groups_one": ("1 group of reports the balances cannot tell apart", "1 组平衡关系无法区分的报告"),
    "verdict_part_facilities": ("{n} facilities whose flows do not add up", "{n} 个设施的流量不平衡"),
    "verdict_part_facilities_one": ("1 facility whose flows do not add up", "1 个设施的流量不平衡"),
    "verdict_part_disputes": (
        "{n} hand-overs whose sender and receiver disagree",
        "{n} 笔交接的移出方与接收方数量不一致",
    ),
    "verdict_part_disputes_one": (
        "1 hand-over whose sender and receiver disagree",
        "1 笔交接的移出方与接收方数量不一致",
    ),
    "verdict_likely": (": likely {cause}", "，可能原因：{cause}"),
    "verdict_likely_list": ("; likely {cause}", "；可能原因：{cause}"),
    "verdict_still": (
        "Even without them the reports do not add up (p {p}): expect more errors.",
        "排除这些报告后仍不吻合（p {p}）：可能还有其他错误。",
    ),
    "verdict_cleared": (
        "{n} more reports the test flagged agree with their reconciled figures once these are set aside (see the "
        "table below).",
        "另有 {n} 条被检验标记的报告，在排除上述问题后与校核值一致（见下表）。",
    ),
    "verdict_link": ("{source} → {target}, {material}", "{source} → {target}，{material}"),
    "verdict_report_line": (
        "{link}: reported {reported}, reconciled {figure}: {ratio} the reconciled figure, {departure} too {direction}.",
        "{link}：填报 {reported}，校核值 {figure}：为校核值的 {ratio}，{direction} {departure}。",
    ),
    "verdict_high": ("high", "偏高"),
    "verdict_low": ("low", "偏低"),
    "verdict_report_zero": (
        "{link}: reported {reported}; the balances leave no room for it (reconciled 0).",
        "{link}：填报 {reported}，但平衡关系容不下这笔量（校核值为 0）。",
    ),
    "verdict_stock_line": (
        "Stock change of {facility}: reported {reported}, reconciled {figure}.",
        "{facility} 的库存变化：填报 {reported}，校核值 {figure}。",
    ),
    "verdict_coefficient_line": (
        "Declared transfer coefficient of {facility}: {declared}; its recorded flows give {observed}.",
        "{facility} 申报的传递系数为 {declared}，其记录的流量给出 {observed}。",
    ),
    "verdict_group_title": (
        "One of these {n} reports is probably wrong; the balances cannot tell which",
        "以下 {n} 条报告中可能有一条有误，平衡关系无法区分是哪一条",
    ),
    "verdict_group_member": (
        "{link}: reported {reported}; if this is the wrong one, it should be about {figure}.",
        "{link}：填报 {reported}；若是这一条有误，应约为 {figure}。",
    ),
    "verdict_group_member_coefficient": (
        "Declared transfer coefficient of {facility}: {declared}; if this is the wrong one, it is about {observed}.",
        "{facility} 申报的传递系数 {declared}；若是它有误，应约为 {observed}。",
    ),
    "verdict_group_likely": ("Its months point to {link}.", "从逐月数据看，最可能是 {link}。"),
    "verdict_group_or_missing": (
        "Or a flow of {facility} that nobody reported.",
        "也可能是 {facility} 有未填报的流量。",
    ),
    "verdict_facility_title": ("The flows of {facility} do not add up", "{facility} 的流量不平衡"),
    "verdict_facility_more": (
        "It passes on {imbalance} less than it receives ({share} of its inflow): a flow nobody reported, or one of "
        "these {n} reports.",
        "其传递出的量比收到的少 {imbalance}（占流入的 {share}）：可能有未填报的流量，或以下 {n} 条报告之一有误。",
    ),
    "verdict_facility_less": (
        "It passes on {imbalance} more than it receives ({share} of its inflow): a flow nobody reported, or one of "
        "these {n} reports.",
        "其传递出的量比收到的多 {imbalance}（占流入的 {share}）：可能有未填报的流量，或以下 {n} 条报告之一有误。",
    ),
    "verdict_dispute_title": (
        "{period}, {link}: the sender declares {sender}, the receiver {receiver}",
        "{period}，{link}：移出方申报 {sender}，接收方申报 {receiver}",
    ),
    "verdict_dispute_side": (
        "Likely cause: the {side}'s figure is {ratio} the other's and the link's usual month ({usual}): {slip}.",
        "可能原因：{side}的数量是另一方及该流向通常月份（{usual}）的 {ratio}：{slip}。",
    ),
    "verdict_dispute_either": (
        "Likely cause: {slip}, by one of the two; the link's other months cannot tell which.",
        "可能原因：其中一方{slip}；该流向其他月份的数据无法判断是哪一方。",
    ),
    "verdict_dispute_plain": (
        "The two figures differ by {share}; no unit slip explains it.",
        "两者相差 {share}，不是单位错误所致。",
    ),
    "verdict_side_sender": ("sender", "移出方"),
    "verdict_side_receiver": ("receiver", "接收方"),
    "cause_month_unit_slip": (
        "Likely cause: {period} reads {month}, {ratio} the link's usual month ({usual}): {slip}. Corrected, the year "
        "reads {corrected}, as reconciled.",
        "可能原因：{period} 填报 {month}，为该流向通常月份（{usual}）的 {ratio}：{slip}。"
        "更正后全年为 {corrected}，与校核值相符。",
    ),
    "cause_unit_slip": (
        "Likely cause: {slip}. Corrected, the year reads {corrected}, as reconciled.",
        "可能原因：{slip}。更正后全年为 {corrected}，与校核值相符。",
    ),
    "cause_month_shift": (
        "Likely cause: {period} holds about two months ({month}, the usual month is {usual}) and its neighbour "
        "across the turn of the year none: a month booked in the wrong year. Corrected, the year reads {corrected}.",
        "可能原因：{period} 约含两个月的量（{month}，通常每月 {usual}），跨年相邻的月份却没有填报："
        "某个月的量记入了错误的年份。更正后全年为 {corrected}。",
    ),
    "cause_month_missing": (
        "Likely cause: {period} is not reported. With a usual month ({usual}) added, the year reads {corrected}, "
        "as reconciled.",
        "可能原因：{period} 未填报。补上一个通常月份（{usual}）后全年为 {corrected}，与校核值相符。",
    ),
    "cause_swapped_direction": (
        "Likely cause: declared the wrong way round: turned round, both {source} and {target} balance.",
        "可能原因：交接方向填反：调换方向后 {source} 和 {target} 均能平衡。",
    ),
    "cause_missing_flow": (
        "Likely cause: a flow from {source} to {target} of about {tonnes} that nobody reported: it would balance both.",
        "可能原因：从 {source} 到 {target} 约 {tonnes} 的流量没有填报：补上后两者均能平衡。",
    ),
    "cause_any_missing_flow": ("flows nobody reported", "未填报的流量"),
    "slip_up_1": ("a decimal point one place off (×10)", "小数点错一位（偏大 10 倍）"),
    "slip_down_1": ("a decimal point one place off (÷10)", "小数点错一位（偏小 10 倍）"),
    "slip_up_2": ("a decimal point two places off (×100)", "小数点错两位（偏大 100 倍）"),
    "slip_down_2": ("a decimal point two places off (÷100)", "小数点错两位（偏小 100 倍）"),
    "slip_up_3": ("kilograms written as tonnes (×1000)", "把千克数当作吨填报（偏大 1000 倍）"),
    "slip_down_3": ("tonnes written as kilograms (÷1000)", "把吨数当作千克填报（偏小 1000 倍）"),
    "slip_up_4": (
        "tonnes written in ten-thousand tonnes (×10 000)",
        "把吨数当作万吨填报（偏大 1 万倍）",
    ),
    "slip_down_4": (
        "ten-thousand tonnes written as tonnes (÷10 000)",
        "把万吨数当作吨填报（偏小 1 万倍）",
    ),
    "slip_any_1": ("a decimal slip (×10)", "小数点错位（相差 10 倍）"),
    "slip_any_2": ("a decimal slip (×100)", "小数点错位（相差 100 倍）"),
    "slip_any_3": ("a unit slip (×1000: kilograms and tonnes)", "单位错误（相差 1000 倍：千克与吨）"),
    "slip_any_4": ("a unit slip (×10 000: tonnes and ten-thousand tonnes)", "单位错误（相差 1 万倍：吨与万吨）"),
    "cause_any_month_shift": ("a month booked in the wrong year", "某个月的量记入了错误的年份"),
    "cause_any_month_missing": ("a month not reported", "漏报一个月"),
    "cause_any_swapped_direction": ("hand-overs declared the wrong way round", "交接方向填反"),
    "stock_change_of": ("stock change of {facility}", "{facility} 的库存变化"),
    "coefficient_of": ("transfer coefficient of {facility}", "{facility} 的传递系数"),
    # the statistics, in plain words
    "rec_chi2_dof": ("Chi-square ({dof} dof)", "卡方（自由度 {dof}）"),
    "rec_p_without": ("p without them", "剔除后 p 值"),
    "rec_chi2_label": ("Chi-square", "卡方"),
    "rec_chi2_dof_help": (
        "How far the reports are from adding up, all balances together, measured in their own uncertainty. When the "
        "reports add up it is about as large as its degrees of freedom, here {dof} (how many independent checks the "
        "balances make); far larger means something is wrong.",
        "把所有平衡关系合在一起，报告与“相互吻合”相差多远（以报告自身的不确定度为单位）。报告吻合时，它约等于自由度，"
        "此处为 {dof}（平衡关系提供的独立检验个数）；远大于该数说明有错误。",
    ),
    "rec_chi2_help": (
        "How far the reports are from adding up, all balances together, measured in their own uncertainty. When the "
        "reports add up it is about as large as its degrees of freedom (in brackets: how many independent checks the "
        "balances make); far larger means something is wrong.",
        "把所有平衡关系合在一起，报告与“相互吻合”相差多远（以报告自身的不确定度为单位）。报告吻合时，它约等于自由度"
        "（括号中的数：平衡关系提供的独立检验个数）；远大于该数说明有错误。",
    ),
    "rec_p_help": (
        "The chance that reports this far from adding up come from ordinary measurement noise alone. Below {alpha}: "
        "they do not add up, something is wrong.",
        "仅由正常测量误差就造成如此差距的概率。低于 {alpha}：报告不吻合，有错误。",
    ),
    "rec_p_after_help": (
        "The same chance once the reports named above are set aside. Above {alpha}: they explain what was wrong.",
        "排除上面列出的报告后的同一概率。高于 {alpha}：说明问题就出在这些报告上。",
    ),
    "rec_residual_help": (
        "How far the reconciliation had to move a report, in standard deviations of that move. Beyond ±{critical} "
        "the report is flagged.",
        "校核对一条报告所作调整的大小，以该调整的标准差为单位。超过 ±{critical} 即被标记。",
    ),
    "rec_flag_help": ("What the test says of the report.", "检验对该报告的判断。"),
    "rec_ratio": ("× reconciled", "为校核值的倍数"),
    "flag_ok": ("ok", "正常"),
    "flag_gross_error_suspect": ("probably wrong", "可能有误"),
    "flag_non_redundant": ("no balance checks it", "无平衡关系可校核"),
    "flag_unknown_determined": ("estimated", "已估算"),
    "flag_not_determinable": ("cannot be estimated", "无法估算"),
    "flag_clipped_at_zero": ("set to 0", "置为 0"),
    "rec_coefficients": ("Declared transfer coefficients in the balances", "参与平衡的申报传递系数"),
    "rec_coefficients_caption": (
        "These facilities balance as coefficient × inflow = outflow + stock change, within their declared tolerance.",
        "这些设施按“传递系数 × 流入 = 流出 + 库存变化”参与平衡，允许申报的容差。",
    ),
    # declared transfer coefficients (mfa.domain.balance)
    "status_as_declared": ("within its declared transfer coefficient", "在申报的传递系数范围内"),
    "status_off_declared": ("outside its declared transfer coefficient", "超出申报的传递系数范围"),
    "declared_coefficient": ("Declared coefficient", "申报传递系数"),
    "observed_coefficient": ("Passed on (output ÷ input)", "传递比例（产出÷投入）"),
    "balance_finding": ("Finding", "问题"),
    "balance_off_declared": (
        "passes on {observed} of its input; declared {low}–{high}",
        "传递了投入的 {observed}；申报范围 {low}–{high}",
    ),
    "balance_coefficients_caption": (
        "A facility (or every facility of a kind) may declare its transfer coefficient: the share of its input it "
        "passes on as recorded output and stock (an incinerator passes on about 20 % as ash; the rest leaves as gas "
        "and heat). It is then checked against coefficient ± tolerance instead of the balance tolerance. Declare them "
        "in the transfer coefficients table (Import).",
        "设施（或某类设施）可以申报传递系数：其投入中作为有记录的产出和库存传递出去的比例（垃圾焚烧厂约 20% 以炉渣形式"
        "传出，其余以烟气和热量离开）。申报后按“系数 ± 容差”检查，而不按平衡容差。请在传递系数表中申报（批量导入）。",
    ),
    "coefficients_title": ("Declared transfer coefficients", "申报的传递系数"),
    "coefficient_for": ("Applies to", "适用于"),
    "coefficient_kind_row": ("every {kind} facility", "所有{kind}设施"),
    "coefficient": ("Coefficient", "传递系数"),
    "coefficient_tolerance": ("Tolerance (±)", "容差（±）"),
    "coefficient_source": ("Source", "依据"),
    "balance_warning_declared": (
        "{n} facilities shown are out of balance by more than {tol}, or outside their declared transfer coefficient: "
        "see Mass balance.",
        "有 {n} 个设施进出不平衡（超过 {tol}）或超出其申报的传递系数范围，详见“物料平衡”。",
    ),
    "balance_warnings_declared_help": (
        "Facilities whose in- and outflows differ by more than {tol:.0f} %, or whose share passed on lies outside "
        "their declared transfer coefficient",
        "进出量相差超过 {tol:.0f}% 或传递比例超出申报传递系数范围的设施",
    ),
    "coefficients_not_declared": ("Nothing is declared for it.", "尚未为其申报传递系数。"),
    "coefficients_none": (
        "No transfer coefficient declared: every facility is checked against the balance tolerance.",
        "尚未申报传递系数：所有设施都按平衡容差检查。",
    ),
}

MESSAGES: dict[str, tuple[str, str]] = (
    _PAGES
    | _COMMON
    | _OVERVIEW
    | _FLOWS
    | _ENTER
    | _IMPORT
    | _LAYOUT
    | _EXPORT
    | _RECONCILIATION
    | _DIAGRAM
    | _SANKEY
    | _HANDOVERS
    | _OUTLOOK
    | _VERDICT_AND_COEFFICIENTS
)
"""message key -> (English, Chinese)."""
