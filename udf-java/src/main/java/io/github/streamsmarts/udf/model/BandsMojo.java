package io.github.streamsmarts.udf.model;

import hex.ModelCategory;
import hex.genmodel.MojoModel;
import hex.genmodel.MojoReaderBackendFactory;
import hex.genmodel.MojoReaderBackendFactory.CachingStrategy;
import hex.genmodel.ModelMojoReader;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.exception.PredictException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code bands.zip}, the one H2O MOJO of a bands@3 model (contracts/MODEL-FORMAT.md, "The MOJO"):
 * a regression GBM with columns {@code band} (enum: the 18 band names of a model with one day
 * type, or the 34 of one with two) and {@code minute} (numeric), response
 * {@code log_w = ln(1 + Wh/h)}. The domain says how many day types the model has. Predicting is
 * h2o-genmodel's job, never re-implemented here, so the UDF, {@code stream-smarts run} and the
 * plots read the same numbers.
 */
public final class BandsMojo {

  public static final String BAND = "band";
  public static final String MINUTE = "minute";
  public static final String RESPONSE = "log_w";

  /** The ten band names of a stream-smarts/bands@2 MOJO, recognised to say how to get a new one. */
  static final Set<String> BANDS2_LEVELS = Set.of("floor_15m.upper", "floor_15m.ref",
      "floor_1h.upper", "floor_1h.ref", "floor_3h.upper", "floor_3h.ref", "mean_24h.lower",
      "mean_24h.ref", "kwh.lower", "kwh.upper");

  private BandsMojo() {
  }

  /** A MOJO read and checked: its genmodel wrapper and how many day types its domain holds. */
  public record Mojo(EasyPredictModelWrapper wrapper, int dayTypes) {
  }

  /** The exact {@code band} domain of a model with {@code dayTypes} (1 or 2) day types. */
  public static Set<String> levels(final int dayTypes) {
    final Set<String> levels = new TreeSet<>();
    for (final Band band : Band.values()) {
      for (int t = 0; t < (band.perDayType() ? dayTypes : 1); t++) {
        levels.add(band.level(t, dayTypes));
      }
    }
    return levels;
  }

  /** Reads the MOJO and checks its shape; fails naming the file. */
  public static Mojo read(final byte[] mojo, final String name) {
    final MojoModel model;
    try {
      model = ModelMojoReader.readFrom(MojoReaderBackendFactory.createReaderBackend(
          new ByteArrayInputStream(mojo), CachingStrategy.MEMORY));
    } catch (final IOException | RuntimeException e) {
      throw new ModelException(name + " is not a readable H2O MOJO: " + e, e);
    }
    if (model.getModelCategory() != ModelCategory.Regression) {
      throw new ModelException(name + " is a " + model.getModelCategory() + " model; bands.zip"
          + " must be a regression GBM (distribution=gaussian) of " + RESPONSE);
    }
    final List<String> features = Arrays.asList(model.features());
    if (!new TreeSet<>(features).equals(new TreeSet<>(List.of(BAND, MINUTE)))) {
      throw new ModelException(name + " has columns " + features + "; a bands@3 MOJO has exactly "
          + BAND + " (enum) and " + MINUTE + " (numeric)");
    }
    final String[] domain = model.getDomainValues(BAND);
    final Set<String> levels = domain == null ? null : new TreeSet<>(Arrays.asList(domain));
    final int dayTypes = levels(1).equals(levels) ? 1 : levels(2).equals(levels) ? 2 : 0;
    if (dayTypes == 0) {
      if (BANDS2_LEVELS.equals(levels)) {
        throw new ModelException(name + " is a " + Model.BANDS2_FORMAT + " MOJO (column " + BAND
            + " has its ten levels " + levels + "), a format this UDF no longer reads: "
            + Model.RETRAIN);
      }
      throw new ModelException(name + ": column " + BAND + " has "
          + (levels == null ? "no levels (it is numeric)"
              : levels.size() + " levels " + levels)
          + "; a bands@3 MOJO's levels are exactly the 18 " + levels(1) + " (one day type) or the"
          + " 34 " + levels(2) + " (two day types)");
    }
    if (model.getDomainValues(MINUTE) != null) {
      throw new ModelException(name + ": column " + MINUTE + " is categorical; it must be"
          + " numeric (the minute of the day 0..1439)");
    }
    if (!RESPONSE.equals(model.getResponseName())) {
      throw new ModelException(name + " predicts " + model.getResponseName() + "; a bands@3 MOJO"
          + " predicts " + RESPONSE + " = ln(1 + Wh/h)");
    }
    return new Mojo(new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
        .setModel(model)), dayTypes);
  }

  /** Predictions this close below 0 W are the trees' rendering of a 0 W statistic. */
  static final double NEGATIVE_ZERO_W = 1e-3;

  /**
   * One prediction in Wh/h: expm1 of the MOJO's log_w for the band of day type {@code dayType}
   * (ignored for the kwh bands) at the minute.
   */
  public static double predict(final Mojo mojo, final Band band, final int dayType,
      final int minute) throws PredictException {
    final RowData row = new RowData();
    row.put(BAND, band.level(dayType, mojo.dayTypes()));
    row.put(MINUTE, (double) minute);
    // StrictMath: the same bits on every JVM and CPU, so the tables (and the shared vectors made
    // from them) do not depend on where the jar runs.
    final double w = StrictMath.expm1(mojo.wrapper().predictRegression(row).value);
    // A statistic of exactly 0 W (a step's median, a 24-h lower band of a house that was off)
    // comes back from the trees a few hundred nanowatts either side of 0: below 0 by less than a
    // milliwatt is 0 (MODEL-FORMAT "The MOJO"), so such a model loads; anything lower is refused
    // as negative.
    return w < 0 && w > -NEGATIVE_ZERO_W ? 0.0 : w;
  }

  /**
   * {@code values[dayType][band.ordinal()][minute]} for every band of every day type and minute
   * 0..1439, unchecked; the kwh bands once, in day type 0 (null rows in day type 1), as
   * {@link Bands#of} takes them.
   */
  public static double[][][] predictAll(final Mojo mojo, final String name) {
    final double[][][] values = new double[mojo.dayTypes()][Band.values().length][];
    for (int t = 0; t < mojo.dayTypes(); t++) {
      for (final Band band : Band.values()) {
        if (t > 0 && !band.perDayType()) {
          continue;
        }
        final double[] row = new double[Bands.MINUTES];
        for (int m = 0; m < Bands.MINUTES; m++) {
          try {
            row[m] = predict(mojo, band, t, m);
          } catch (final PredictException | RuntimeException e) {
            throw new ModelException(name + " cannot predict band "
                + band.level(t, mojo.dayTypes()) + " at " + Bands.minute(m) + ": " + e, e);
          }
        }
        values[t][band.ordinal()] = row;
      }
    }
    return values;
  }

  /** Reads, checks and predicts: the model's tables. */
  public static Bands bands(final byte[] mojo, final String name) {
    return Bands.of(predictAll(read(mojo, name), name), name);
  }
}
